import 'reflect-metadata';
import { platformMain } from '@fpms/platform/platform-app';
import { workspaceEnvSchema } from './config';
import { createWorkspaceApp } from './workspace-app';

platformMain('workspace', workspaceEnvSchema, createWorkspaceApp);
