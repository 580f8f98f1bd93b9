/**
 * The part of saxes' API the XML differential test uses. saxes' own declarations do not
 * type-check under `exactOptionalPropertyTypes` (their option interfaces assign `undefined` to
 * optional members), and this project keeps `skipLibCheck` off so that its own declaration
 * files stay checked; tsconfig.json maps the module here for type checking only. At run time
 * the real package is loaded.
 */
declare module "saxes" {
  export interface SaxesTag {
    readonly name: string;
    readonly attributes: Readonly<Record<string, string | { readonly value: string }>>;
  }
  export class SaxesParser {
    on(event: "error", handler: (error: Error) => void): void;
    on(event: "text" | "cdata", handler: (text: string) => void): void;
    on(event: "opentag", handler: (tag: SaxesTag) => void): void;
    on(event: "closetag", handler: (tag: SaxesTag) => void): void;
    write(chunk: string): this;
    close(): this;
  }
}
