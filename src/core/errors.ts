/** Errors that carry an exit code and a precise location, so the CLI can say what is wrong and where. */

/** Bad usage or bad input: exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** "file:line: field: message" with whatever parts are known. */
  format(): string {
    const where = [this.file, this.line !== undefined ? String(this.line) : undefined].filter(Boolean).join(':');
    const field = this.field ? `${this.field}: ` : '';
    return `${where ? where + ': ' : ''}${field}${this.message}`;
  }
}
