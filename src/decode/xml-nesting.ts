/**
 * Where the XML tokenizer is in the document: the stack of open elements (bounded by the depth
 * limit), the path that names fields (`root.user.name`, an attribute `root.user@id`), and each
 * open element's name so its end tag can be checked. Paths are capped like every field name
 * (field-name.ts); element names are kept for matching up to NAME_CAP_BYTES bytes plus their
 * full length, so memory is bounded by depth x cap.
 *
 * Field names are strings built from those bytes; documents repeat the same elements and
 * attributes thousands of times, so each level remembers the name it built last (and the names
 * of up to MAX_REMEMBERED_ATTRIBUTES attributes of its element) and reuses it when a sibling
 * has the same name under the same parent, without building or hashing a string.
 */
import { NAME_CAP_BYTES, NameBuffer } from "./field-name.js";

const MAX_REMEMBERED_ATTRIBUTES = 16;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** What one level built last: reused by a sibling with the same name and parent. */
interface LevelNames {
  parent: string;
  name: Uint8Array;
  path: string;
  /** The element path the attributes below belong to. */
  attributesOf: string;
  attributeNames: Uint8Array[];
  attributePaths: string[];
}

export class XmlNesting {
  readonly maxDepth: number;
  private readonly path = new NameBuffer();
  /** Per open element: the path length of its parent (restored when it closes). */
  private readonly bases: Uint16Array;
  /** Per open element: where its name starts in `names`, and its full length in bytes. */
  private readonly nameStarts: Uint32Array;
  private readonly nameLengths: Uint32Array;
  private tagNames = new Uint8Array(256);
  private namesUsed = 0;
  private open = 0;
  /** Path length of the element whose attributes are being read. */
  private elementPath = 0;
  /** The end tag being read: capped bytes and full length. */
  private readonly endName = new Uint8Array(NAME_CAP_BYTES);
  private endLength = 0;
  /** Per open element whose name is complete: its path as a string. */
  private readonly pathStrings: (string | undefined)[] = [];
  /** The attribute name being read (capped), for its value's field name. */
  private readonly attributeName = new Uint8Array(NAME_CAP_BYTES);
  private attributeLength = 0;
  private readonly levels: LevelNames[] = [];

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
    this.bases = new Uint16Array(maxDepth);
    this.nameStarts = new Uint32Array(maxDepth);
    this.nameLengths = new Uint32Array(maxDepth);
  }

  get depth(): number {
    return this.open;
  }

  /** The path of the innermost open element ("" before the root). */
  current(): string {
    if (this.open === 0) return "";
    return this.pathStrings[this.open - 1] ?? this.path.toString();
  }

  /** Opens an element whose name follows; false if that would pass the depth limit. */
  push(): boolean {
    if (this.open === this.maxDepth) return false;
    this.bases[this.open] = this.path.length;
    this.nameStarts[this.open] = this.namesUsed;
    this.nameLengths[this.open] = 0;
    this.pathStrings[this.open] = undefined;
    this.open++;
    if (this.path.length > 0) this.path.appendAscii(".");
    return true;
  }

  /** Bytes of the name of the element just pushed, as they stream. */
  appendName(bytes: Uint8Array): void {
    this.path.append(bytes);
    const level = this.open - 1;
    const length = this.nameLengths[level] as number;
    const keep = Math.min(bytes.length, Math.max(NAME_CAP_BYTES - length, 0));
    if (keep > 0) {
      this.reserve(keep);
      this.tagNames.set(bytes.subarray(0, keep), this.namesUsed);
      this.namesUsed += keep;
    }
    this.nameLengths[level] = length + bytes.length;
  }

  /** The element's name is complete: its attributes are named from here. */
  nameDone(): void {
    this.elementPath = this.path.length;
    const level = this.open - 1;
    const start = this.nameStarts[level] as number;
    const name = this.tagNames.subarray(start, this.namesUsed);
    const parent = level === 0 ? "" : (this.pathStrings[level - 1] ?? "");
    const last = this.levels[level];
    if (last !== undefined && last.parent === parent && sameBytes(last.name, name)) {
      this.pathStrings[level] = last.path;
      return;
    }
    const path = this.path.toString();
    this.pathStrings[level] = path;
    this.levels[level] = {
      parent,
      name: name.slice(),
      path,
      attributesOf: path,
      attributeNames: [],
      attributePaths: [],
    };
  }

  /** An attribute name starts: the element path names its `args_names` field. */
  beginAttribute(): string {
    this.attributeLength = 0;
    this.path.truncate(this.elementPath);
    const name = this.path.toString();
    this.path.appendAscii("@");
    return name;
  }

  appendAttributeName(bytes: Uint8Array): void {
    this.path.append(bytes);
    const keep = Math.min(bytes.length, NAME_CAP_BYTES - this.attributeLength);
    if (keep > 0) {
      this.attributeName.set(bytes.subarray(0, keep), this.attributeLength);
      this.attributeLength += keep;
    }
  }

  /** The attribute's own path (`element@name`), for its value field. */
  attributeValueName(): string {
    const name = this.attributeName.subarray(0, this.attributeLength);
    this.attributeLength = 0;
    const level = this.levels[this.open - 1];
    if (level === undefined) return this.path.toString();
    const element = this.current();
    if (level.attributesOf !== element) {
      level.attributesOf = element;
      level.attributeNames.length = 0;
      level.attributePaths.length = 0;
    }
    const names = level.attributeNames;
    for (let k = 0; k < names.length; k++) {
      if (sameBytes(names[k] as Uint8Array, name)) return level.attributePaths[k] as string;
    }
    const path = this.path.toString();
    if (names.length < MAX_REMEMBERED_ATTRIBUTES) {
      names.push(name.slice());
      level.attributePaths.push(path);
    }
    return path;
  }

  /** The start tag ended: the path is the element's own again. */
  endAttributes(): void {
    this.path.truncate(this.elementPath);
  }

  /** Closes the innermost element (an end tag matched it, or `/>`). */
  pop(): void {
    this.open--;
    this.path.truncate(this.bases[this.open] as number);
    this.namesUsed = this.nameStarts[this.open] as number;
    if (this.open > 0) this.elementPath = this.path.length;
  }

  beginEndTag(): void {
    this.endLength = 0;
  }

  appendEndTagName(bytes: Uint8Array): void {
    const keep = Math.min(bytes.length, Math.max(NAME_CAP_BYTES - this.endLength, 0));
    this.endName.set(bytes.subarray(0, keep), Math.min(this.endLength, NAME_CAP_BYTES));
    this.endLength += bytes.length;
  }

  /** True if the end tag read names the innermost open element. */
  endTagMatches(): boolean {
    if (this.open === 0) return false;
    const level = this.open - 1;
    if (this.nameLengths[level] !== this.endLength) return false;
    const start = this.nameStarts[level] as number;
    const compared = Math.min(this.endLength, NAME_CAP_BYTES);
    for (let k = 0; k < compared; k++) {
      if (this.tagNames[start + k] !== this.endName[k]) return false;
    }
    return true;
  }

  private reserve(extra: number): void {
    if (this.namesUsed + extra <= this.tagNames.length) return;
    const grown = new Uint8Array(Math.max(this.tagNames.length * 2, this.namesUsed + extra));
    grown.set(this.tagNames.subarray(0, this.namesUsed));
    this.tagNames = grown;
  }
}
