/** jest globalSetup: make sure the stack runs and hand its endpoints to the test workers. */
import { provideStack, stackEnvironment } from './stack-provider.js';

export default async function globalSetup(): Promise<void> {
  const stack = await provideStack();
  Object.assign(process.env, stackEnvironment(stack));
}
