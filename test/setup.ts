import { Testing } from 'cdktf';

Testing.setupJest();

// terraform commands attach to long-running servers of the mirror's providers (tools/provider-servers.ts);
// SMP_TF_PROVIDER_SERVERS=0 makes every command start its providers, as a user's terraform does.
process.env.SMP_TF_PROVIDER_SERVERS ??= '1';
