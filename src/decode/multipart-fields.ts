/**
 * The fields one multipart body yields, in order: for each part its name (`args_names`), each
 * file name reading (`args` named `<name>.filename`) and its content (`args` named by the part's
 * name), transcoded from an allowed part charset and capped at `maxFileBytes` for file parts;
 * and the preamble and epilogue text as the fields `__preamble` / `__epilogue`. Those two open
 * only at their first byte other than whitespace (leading whitespace is dropped, so the usual
 * CRLF after the close delimiter makes no field); `content` tells the caller when one opens,
 * because that is an anomaly.
 */
import { transcoderFor } from "./charset-transcode.js";
import { NameBuffer } from "./field-name.js";
import type { PartHeaders } from "./multipart-headers.js";
import type { Emit } from "./output-batch.js";
import type { FieldSink, Transform } from "./types.js";

export const PREAMBLE_FIELD = "__preamble";
export const EPILOGUE_FIELD = "__epilogue";
/** Suffix of the field that carries a part's file name readings. */
export const FILENAME_SUFFIX = ".filename";

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

export class PartFields {
  private readonly name = new NameBuffer();
  private readonly emitField: Emit;
  private fieldOpen = false;
  /** The field to open at the first text of a preamble or epilogue, or "" inside a part. */
  private pendingExtra = PREAMBLE_FIELD;
  private bytes = 0;
  private cap: number;
  private transcoder: Transform | undefined;
  private skipped = 0;

  constructor(
    private readonly sink: FieldSink,
    private readonly maxFileBytes: number,
  ) {
    this.cap = maxFileBytes;
    this.emitField = (bytes) => sink.fieldData(bytes);
  }

  /** Content bytes past the cap, not inspected as fields. */
  get skippedBytes(): number {
    return this.skipped;
  }

  /** Emits a part's name and file names and opens its content field. */
  startPart(headers: PartHeaders): void {
    this.name.clear();
    if (headers.name !== undefined) {
      const nameBytes = Buffer.from(headers.name, "latin1");
      this.name.append(nameBytes);
      this.sink.fieldStart("args_names", "");
      if (nameBytes.length > 0) this.sink.fieldData(nameBytes);
      this.sink.fieldEnd();
    }
    const name = this.name.toString();
    for (const filename of headers.filenames) {
      this.sink.fieldStart("args", name + FILENAME_SUFFIX);
      if (filename.length > 0) this.sink.fieldData(Buffer.from(filename, "latin1"));
      this.sink.fieldEnd();
    }
    this.bytes = 0;
    this.cap = headers.filenames.length > 0 ? this.maxFileBytes : Number.POSITIVE_INFINITY;
    this.transcoder = headers.charset === undefined ? undefined : transcoderFor(headers.charset);
    this.pendingExtra = "";
    this.sink.fieldStart("args", name);
    this.fieldOpen = true;
  }

  /** What follows the close delimiter. */
  startEpilogue(): void {
    this.bytes = 0;
    this.cap = this.maxFileBytes;
    this.transcoder = undefined;
    this.pendingExtra = EPILOGUE_FIELD;
  }

  /** Content of the current part, preamble or epilogue; true when it opened the preamble or epilogue field. */
  content(input: Uint8Array): boolean {
    let part = input;
    const room = this.cap - this.bytes;
    if (part.length > room) {
      this.skipped += part.length - Math.max(room, 0);
      if (room <= 0) return false;
      part = part.subarray(0, room);
    }
    this.bytes += part.length;
    let opened = false;
    if (!this.fieldOpen) {
      let k = 0;
      while (k < part.length && isWhitespace(part[k] as number)) k++;
      if (k === part.length || this.pendingExtra === "") return false;
      part = part.subarray(k);
      this.sink.fieldStart("args", this.pendingExtra);
      this.fieldOpen = true;
      opened = true;
    }
    if (this.transcoder !== undefined) this.transcoder.push(part, this.emitField);
    else this.sink.fieldData(part);
    return opened;
  }

  /** Ends the open field, if any (a delimiter, the end of the body, or a stop). */
  endField(): void {
    this.transcoder?.flush(this.emitField);
    this.transcoder = undefined;
    if (!this.fieldOpen) return;
    this.fieldOpen = false;
    this.sink.fieldEnd();
  }
}
