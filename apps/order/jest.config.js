import { projectConfig } from '../../jest.preset.js';

// Domain unit tests: pure deciders, no I/O. Integration tests on the real stack join them later.
export default projectConfig(import.meta.dirname);
