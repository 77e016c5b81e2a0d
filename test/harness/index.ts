// The test harness: starting whole services (in-process or as processes) and the local S3.
// It lives under test/ because it imports apps/ and tools/; libs/testing keeps the
// helpers that need neither (scratch databases, clocks, HTTP helpers, event taps).
export * from '@fpms/testing';
export * from './platform';
export * from './local-s3';
export * from './service-process';
