import { createApp } from './app.ts';
import { readEnv } from './env.ts';

const env = readEnv();
const app = await createApp(env);
const url = await app.start();
console.log(`Toolgate listening on ${url} (GraphQL at ${url}/graphql)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight work, then stopping`);
    await app.stop();
    process.exit(0);
  });
}
