/**
 * A document that cannot be imported. The message says what is wrong and how to fix it, so services can
 * show it to the user unchanged.
 */
export class ApiImportError extends Error {
  override readonly name = 'ApiImportError';
  /** The input field the problem belongs to: `schemaContent` for the document, `baseUrl` for the option. */
  readonly field: string;

  constructor(message: string, field = 'schemaContent') {
    super(message);
    this.field = field;
  }
}
