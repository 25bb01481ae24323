/**
 * Whether each consumer's refresh is its kind's documented default: not in the stack outputs, so
 * read from the stack's configuration, parsed as the program parses it. Kept apart from the
 * report and its renderer, which the CLI loads for every run: only the preview itself loads the
 * configuration parser.
 */
import type { StackFile } from "../offline";
import { parseStackConfig, rawConfigFromValues } from "../../components/config";
import { consumerKey } from "./consumers";

/**
 * Per app and consumer of the stack's configuration ({@link consumerKey}), whether its refresh is
 * the kind's documented default: this project's `app-credentials:*` keys and the catalogue files
 * they name, parsed as the program parses them.
 *
 * @param nowMs the preview's instant (the configuration's checks depend on it)
 * @returns undefined when the configuration cannot be parsed (another project, a `secure:` value
 *   the parser needs, a catalogue file changed since the run)
 */
export function refreshDefaults(
  stackFile: Pick<StackFile, "config" | "dir">,
  nowMs: number,
): Map<string, boolean> | undefined {
  try {
    const config = parseStackConfig(rawConfigFromValues(stackFile.config, stackFile.dir), nowMs);
    const defaults = new Map<string, boolean>();
    for (const app of config.apps) {
      for (const consumer of app.consumers) {
        defaults.set(consumerKey(app.name, consumer.name), consumer.refreshIsDefault);
      }
    }
    return defaults;
  } catch {
    return undefined;
  }
}
