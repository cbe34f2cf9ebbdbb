/** The operations layer (alarms, dashboard, logs, WAF, LCU reservation, deletion protection). */
export * from './config';
export * from './types';
export * from './alarms';
export * from './dashboard';
export * from './resolve';
export * from './validate';
export * from './waf';
export * from './dashboard-body';
