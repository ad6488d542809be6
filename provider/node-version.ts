/**
 * The Node.js floor, checked before anything else loads. The provider runs under whatever `node` the user's
 * Pulumi language host starts (the first on PATH), not under the Node.js this repository installs for its own
 * scripts; undici 8 needs 22.19.0 (its package.json `engines`) and fails deep inside itself on older versions
 * ("Cannot read properties of undefined (reading 'bind')"). So the entry points (sdk, provider, emulator, cli)
 * import this module first, and an older Node.js gets one line: the version found, the version needed, and
 * how to get it. package.json `engines` says the same (tests/user-path checks both against undici's).
 *
 * No imports: this file must load on any Node.js.
 */
export const NODE_FLOOR = "22.19.0";

function older(found: string, needed: string): boolean {
  const a = found.split(".").map(Number);
  const b = needed.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** The one line for a Node.js older than the floor, or undefined when `version` is new enough. */
export function nodeVersionProblem(version: string = process.versions.node, execPath: string = process.execPath): string | undefined {
  if (!older(version, NODE_FLOOR)) return undefined;
  return (
    `pulumi-cloudflare-workers needs Node.js ${NODE_FLOOR} or newer, but found Node.js ${version} (${execPath}): ` +
    `install Node.js 22.19+ or 24 (https://nodejs.org/en/download, or \`nvm install 24\`) and put it first on PATH, ` +
    `where \`pulumi\` finds \`node\`.`
  );
}

const problem = nodeVersionProblem();
if (problem !== undefined) {
  const error = new Error(problem);
  // One line, not a stack trace into this file: the message is all a user needs.
  error.stack = `Error: ${problem}`;
  throw error;
}
