// Produces data/registry.json and data/salt the way the original TypeScript apra-fleet seals
// passwords (Node's crypto: scrypt with its defaults, AES-256-GCM, 16-byte IV), for host name
// "fixture-host" and user "fixture-user". Run with: node seal-fixture.js
// Fleet's import test opens these with --host-name fixture-host --user-name fixture-user.
// @PORT@, @KEY@, @WORK@, @USER@, @CLOUD_PORT@ and @CLOUD_KEY@ are filled in by the test.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const salt = crypto.randomBytes(32).toString('hex');
const key = crypto.scryptSync('fixture-host-fixture-user-apra-fleet', salt, 32);
function seal(text) {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${body.toString('hex')}`;
}

const registry = {
  version: '1.0',
  agents: [
    { id: '6f1c1e0a-1111-4a4a-9c9c-000000000001', friendlyName: 'orig-local', agentType: 'local',
      workFolder: '@WORK@/local', os: 'linux', createdAt: '2026-01-05T10:00:00.000Z', lastUsed: '2026-01-06T11:00:00.000Z',
      icon: '🔵', sessionId: 'a1b2c3d4-0000-4000-8000-000000000001' },
    { id: '6f1c1e0a-2222-4a4a-9c9c-000000000002', friendlyName: 'orig-password', agentType: 'remote',
      host: '127.0.0.1', port: '@PORT@', username: '@USER@', authType: 'password', encryptedPassword: seal('s3cret-pw'),
      workFolder: '@WORK@/password', os: 'linux', createdAt: '2026-01-05T10:05:00.000Z', icon: '🟦',
      gitAccess: 'push', gitRepos: ['acme/api'], futureField: { kept: true } },
    { id: '6f1c1e0a-3333-4a4a-9c9c-000000000003', friendlyName: 'orig-key', agentType: 'remote',
      host: '127.0.0.1', port: '@PORT@', username: '@USER@', authType: 'key', keyPath: '@KEY@',
      workFolder: '@WORK@/key', os: 'linux', createdAt: '2026-01-05T10:10:00.000Z', icon: '🟢' },
    { id: '6f1c1e0a-4444-4a4a-9c9c-000000000004', friendlyName: 'orig-cloud', agentType: 'remote',
      host: '127.0.0.9', port: '@CLOUD_PORT@', username: '@USER@', authType: 'key', keyPath: '@CLOUD_KEY@',
      workFolder: '@WORK@/cloud', os: 'linux', createdAt: '2026-01-05T10:15:00.000Z', icon: '🟩',
      cloud: { provider: 'aws', instanceId: 'i-0f1c1e0a44440004a', region: 'us-east-1', idleTimeoutMin: 20,
               sshKeyPath: '@CLOUD_KEY@' } },
  ],
};
const out = path.join(__dirname, 'data');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'salt'), salt);
fs.writeFileSync(path.join(out, 'registry.json'), JSON.stringify(registry, null, 2));
