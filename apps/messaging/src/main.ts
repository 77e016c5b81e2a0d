import 'reflect-metadata';
import { platformMain } from '@fpms/platform/platform-app';
import { messagingEnvSchema } from './config';
import { createMessagingApp } from './messaging-app';

platformMain('messaging', messagingEnvSchema, createMessagingApp);
