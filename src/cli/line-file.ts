/** Buffered line writer: events.jsonl of a large salvo or a long recording is tens of MB, written in 1 MB chunks. */
import { closeSync, openSync, writeSync } from 'node:fs';

export class LineFile {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
