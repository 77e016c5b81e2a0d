// class-transformer's @Type() metadata (no public accessor): the CommonJS build, typed by the package's own declarations.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
