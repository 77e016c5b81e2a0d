// What every service is made of: the composition root (PlatformModule), the bootstrap
// (createPlatformApp, platformMain) and the environment schema they read.
export * from './platform-env.schema';
export * from './platform.module';
export * from './platform-app';
