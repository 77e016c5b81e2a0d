import 'reflect-metadata';
import { platformMain } from '@fpms/platform/platform-app';
import { gatewayEnvSchema } from './config';
import { createGatewayApp } from './gateway-app';

platformMain('gateway', gatewayEnvSchema, createGatewayApp);
