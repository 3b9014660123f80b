// Whole-system steps wait on real brokers and databases; each still waits on a condition with its own deadline.
jest.setTimeout(120_000);
