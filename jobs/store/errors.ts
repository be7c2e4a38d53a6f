/** A job store that cannot start as configured; the message says how to fix it. */
export class JobStoreError extends Error {
  override readonly name = 'JobStoreError';
}
