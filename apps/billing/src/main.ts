import 'reflect-metadata';
import { platformMain } from '@fpms/platform/platform-app';
import { billingEnvSchema } from './config';
import { createBillingApp } from './billing-app';

platformMain('billing', billingEnvSchema, createBillingApp);
