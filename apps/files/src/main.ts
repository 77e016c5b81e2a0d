import 'reflect-metadata';
import { platformMain } from '@fpms/platform/platform-app';
import { filesEnvSchema } from './config';
import { createFilesApp } from './files-app';

platformMain('files', filesEnvSchema, createFilesApp);
