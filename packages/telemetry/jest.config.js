import { projectConfig } from '../../jest.preset.js';

// Unit tests only: programs run in-process with a captured io.
export default projectConfig(import.meta.dirname);
