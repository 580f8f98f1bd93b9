/**
 * Envoy's per-direction `message_timeout` timer (contract §2.J): armed on every message that
 * expects a reply, stopped whenever a reply for that direction is handled, extendable once per
 * state by `override_message_timeout`. What firing means is decided in failure-policy.ts.
 */
import type { Duration } from "@bufbuild/protobuf/wkt";

export class MessageTimer {
  private handle: NodeJS.Timeout | null = null;
  private extended = false;

  constructor(private readonly onFire: () => void) {}

  get enabled(): boolean {
    return this.handle !== null;
  }

  /** onStartProcessorCall: (re)arm for a message that expects a reply. */
  start(timeoutMs: number): void {
    this.clear();
    this.extended = false;
    this.handle = setTimeout(() => {
      this.handle = null;
      this.onFire();
    }, timeoutMs);
  }

  /** onFinishProcessorCall / stopMessageTimer. */
  stop(): void {
    this.clear();
    this.extended = false;
  }

  /** restartMessageTimer: only while running, only once per state. */
  restart(timeoutMs: number): boolean {
    if (this.handle === null || this.extended) return false;
    this.clear();
    this.extended = true;
    this.handle = setTimeout(() => {
      this.handle = null;
      this.onFire();
    }, timeoutMs);
    return true;
  }

  private clear(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }
}

/**
 * Filter::onNewTimeout's range check: the override must be at least 1 ms and at most
 * `max_message_timeout` (0 disables overrides). Returns the new timeout, or null when ignored.
 */
export function overrideTimeoutMs(duration: Duration, maxMessageTimeoutMs: number): number | null {
  const ms = Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1_000_000);
  if (!Number.isFinite(ms) || ms < 1 || ms > maxMessageTimeoutMs) return null;
  return ms;
}
