import dvcqgPeer, { configProperties as dvcqgConfig } from './peers/dvcqg/index.js';
import vnpayPeer, { configProperties as vnpayConfig } from './peers/vnpay/index.js';
import momoPeer, { configProperties as momoConfig } from './peers/momo/index.js';
import paygovPeer, { configProperties as paygovConfig } from './peers/paygov/index.js';
import type { PeerConfigProperties, SandboxPeer } from './peer.js';

/** Every simulated national peer, each mounted under its own prefix (design.md, Ports). */
export const peers: ReadonlyArray<{ prefix: string; plugin: SandboxPeer; configProperties: PeerConfigProperties; what: string }> = [
  { prefix: '/dvcqg', plugin: dvcqgPeer as SandboxPeer, configProperties: dvcqgConfig, what: 'Cổng Dịch vụ công quốc gia (adapter-style API)' },
  { prefix: '/vnpay', plugin: vnpayPeer as SandboxPeer, configProperties: vnpayConfig, what: 'VNPAY PAY 2.1.0 gateway' },
  { prefix: '/momo', plugin: momoPeer as SandboxPeer, configProperties: momoConfig, what: 'MoMo All-In-One v2' },
  { prefix: '/paygov', plugin: paygovPeer as SandboxPeer, configProperties: paygovConfig, what: 'PayGov (DVCQG payment platform)' },
];
