/** The error every invalid configuration or component argument raises. No dependencies. */

/** Thrown when the configuration is invalid; `problems` lists every problem found, one per field. */
export class ConfigError extends Error {
  /**
   * @param problems one line per invalid field: the field, its value and what is allowed
   * @param subject what was invalid, for the first line (default `stack configuration`; a
   *   component names itself, e.g. `arguments of AppCredential "orders"`)
   */
  constructor(
    readonly problems: string[],
    subject = "stack configuration",
  ) {
    super(
      `invalid ${subject} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
