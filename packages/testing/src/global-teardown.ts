/** jest globalTeardown: stop containers we started; a native stack is stopped by whoever started it. */
import { releaseStack } from './stack-provider.js';

export default async function globalTeardown(): Promise<void> {
  await releaseStack();
}
