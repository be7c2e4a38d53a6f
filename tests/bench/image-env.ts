import { parseDockerfile } from '../container/dockerfile.ts';

/** Process tuning the image sets (NODE_OPTIONS, MALLOC_*), read from the Dockerfile so a bench runs the server as the image does. */
export function imageProcessEnv(): Record<string, string> {
  const runtime = parseDockerfile().stages.at(-1)!;
  const env: Record<string, string> = {};
  for (const instruction of runtime.instructions.filter((entry) => entry.keyword === 'ENV')) {
    for (const [, name, value] of instruction.args.matchAll(/(\w+)=(\S+)/g)) {
      if (name === 'NODE_OPTIONS' || name.startsWith('MALLOC_')) env[name] = value;
    }
  }
  return env;
}
