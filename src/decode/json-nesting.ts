/**
 * Where the JSON decoder is in the document: the stack of open containers (bounded by the
 * depth limit) and the path that names fields (see json.ts for the scheme). The path is kept as
 * capped bytes; a container's length is restored when it closes, and the field name shared by
 * all contents of a container (an object's keys, an array's elements) is built once.
 */
import { NameBuffer } from "./field-name.js";

export const OBJECT = 0;
export const ARRAY = 1;

export class JsonNesting {
  readonly maxDepth: number;
  /** Path of the value being read; a key's bytes are appended while it streams. */
  private readonly path = new NameBuffer();
  private readonly kinds: Uint8Array;
  /** Per open container: the path length to restore when it closes. */
  private readonly bases: Uint16Array;
  /** Per open container: the name shared by its contents, once built. */
  private readonly names: (string | undefined)[];
  private open = 0;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
    this.kinds = new Uint8Array(maxDepth);
    this.bases = new Uint16Array(maxDepth);
    this.names = new Array<string | undefined>(maxDepth).fill(undefined);
  }

  /** Containers open now. */
  get depth(): number {
    return this.open;
  }

  /** Kind of the innermost open container (OBJECT or ARRAY); undefined at top level. */
  get current(): number | undefined {
    return this.open === 0 ? undefined : this.kinds[this.open - 1];
  }

  /** Opens a container; false if that would pass the depth limit. */
  push(kind: number): boolean {
    if (this.open === this.maxDepth) return false;
    this.kinds[this.open] = kind;
    this.bases[this.open] = this.path.length;
    this.names[this.open] = undefined;
    this.open++;
    if (kind === ARRAY) this.path.appendAscii("[]");
    return true;
  }

  /** Closes the innermost container; the path is again the container's own. */
  pop(): void {
    this.open--;
    this.path.truncate(this.bases[this.open] as number);
  }

  /** A member of the innermost object ended: drop its key from the path. */
  endMember(): void {
    this.path.truncate(this.bases[this.open - 1] as number);
  }

  /** A key starts: returns the name of its `args_names` field and opens the key in the path. */
  beginKey(): string {
    const name = this.sharedName();
    if (this.path.length > 0) this.path.appendAscii(".");
    return name;
  }

  /** Decoded key bytes, as they stream. */
  appendKey(bytes: Uint8Array): void {
    this.path.append(bytes);
  }

  /** The name of an `args` field for a scalar at the current position. */
  valueName(): string {
    return this.current === ARRAY ? this.sharedName() : this.path.toString();
  }

  private sharedName(): string {
    if (this.open === 0) return this.path.toString();
    let name = this.names[this.open - 1];
    if (name === undefined) {
      name = this.path.toString();
      this.names[this.open - 1] = name;
    }
    return name;
  }
}
