/**
 * Vitest setup file (every test file): points this process's leak recorder at the run's
 * directory, tells it which test file is running, and writes its recordings after the file.
 */
import { relative } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { leakRecorder } from './leak-recorder.js';
import { ROOT } from '../../process.js';

leakRecorder.configure(inject('leakScanDir') ?? null);

const testPath = expect.getState().testPath;
if (testPath) leakRecorder.setFile(relative(ROOT, testPath));

afterAll(() => leakRecorder.flush());
