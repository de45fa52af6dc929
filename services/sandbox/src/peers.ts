import dvcqgPeer, { configProperties as dvcqgConfig } from './peers/dvcqg/index.js';
import vnpayPeer, { configProperties as vnpayConfig } from './peers/vnpay/index.js';
import momoPeer, { configProperties as momoConfig } from './peers/momo/index.js';
import paygovPeer, { configProperties as paygovConfig } from './peers/paygov/index.js';
import vnptpayPeer, { configProperties as vnptpayConfig } from './peers/vnptpay/index.js';
import bankTransferPeer, { configProperties as bankTransferConfig } from './peers/bank-transfer/index.js';
import csdlDanCuPeer, { configProperties as csdlDanCuConfig } from './peers/csdl-dancu/index.js';
import dkkdPeer, { configProperties as dkkdConfig } from './peers/dkkd/index.js';
import vnpostPeer, { configProperties as vnpostConfig } from './peers/vnpost/index.js';
import zaloPeer, { configProperties as zaloConfig } from './peers/zalo/index.js';
import smsViettelPeer, { configProperties as smsViettelConfig } from './peers/sms-viettel/index.js';
import smsVnptPeer, { configProperties as smsVnptConfig } from './peers/sms-vnpt/index.js';
import vnptInvoicePeer, { configProperties as vnptInvoiceConfig } from './peers/vnpt-invoice/index.js';
import viettelSinvoicePeer, { configProperties as viettelSinvoiceConfig } from './peers/viettel-sinvoice/index.js';
import type { PeerConfigProperties, SandboxPeer } from './peer.js';

/** Every simulated national peer, each mounted under its own prefix (design.md, Ports). */
export const peers: ReadonlyArray<{ prefix: string; plugin: SandboxPeer; configProperties: PeerConfigProperties; what: string }> =
  [
    {
      prefix: '/dvcqg',
      plugin: dvcqgPeer as SandboxPeer,
      configProperties: dvcqgConfig,
      what: 'Cổng Dịch vụ công quốc gia (adapter-style API)',
    },
    { prefix: '/vnpay', plugin: vnpayPeer as SandboxPeer, configProperties: vnpayConfig, what: 'VNPAY PAY 2.1.0 gateway' },
    { prefix: '/momo', plugin: momoPeer as SandboxPeer, configProperties: momoConfig, what: 'MoMo All-In-One v2' },
    {
      prefix: '/paygov',
      plugin: paygovPeer as SandboxPeer,
      configProperties: paygovConfig,
      what: 'PayGov (DVCQG payment platform)',
    },
    {
      prefix: '/vnptpay',
      plugin: vnptpayPeer as SandboxPeer,
      configProperties: vnptpayConfig,
      what: 'VNPT Pay (VNPT Money) merchant gateway v1.0.5',
    },
    {
      prefix: '/banktransfer',
      plugin: bankTransferPeer as SandboxPeer,
      configProperties: bankTransferConfig,
      what: 'bank-transfer notifiers (payOS, SePay) for VietQR',
    },
    {
      prefix: '/dkkd',
      plugin: dkkdPeer,
      configProperties: dkkdConfig,
      what: 'Đăng ký doanh nghiệp (NGSP chiTietDoanhNghiep, TP.HCM ESB)',
    },
    {
      prefix: '/csdl-dancu',
      plugin: csdlDanCuPeer,
      configProperties: csdlDanCuConfig,
      what: 'CSDL quốc gia về dân cư (SOAP 1.1 behind an LGSP token)',
    },
    {
      prefix: '/vnpost',
      plugin: vnpostPeer,
      configProperties: vnpostConfig,
      what: 'VNPost: MyVNPost customer-partner API and the HCC/LGSP order route',
    },
    {
      prefix: '/zalo',
      plugin: zaloPeer,
      configProperties: zaloConfig,
      what: 'Zalo ZNS (template message by phone, OAuth v4 refresh, delivery webhooks)',
    },
    {
      prefix: '/sms-viettel',
      plugin: smsViettelPeer,
      configProperties: smsViettelConfig,
      what: 'Viettel SMS brandname (SOAP wsCpMt)',
    },
    {
      prefix: '/sms-vnpt',
      plugin: smsVnptPeer,
      configProperties: smsVnptConfig,
      what: 'VNPT SMS brandname (JSON send_sms_list)',
    },
    {
      prefix: '/vnpt-invoice',
      plugin: vnptInvoicePeer,
      configProperties: vnptInvoiceConfig,
      what: 'VNPT e-receipt (SOAP ImportAndPublishInv, downloadInvPDFFkeyNoPay)',
    },
    {
      prefix: '/viettel-sinvoice',
      plugin: viettelSinvoicePeer,
      configProperties: viettelSinvoiceConfig,
      what: 'Viettel S-Invoice (createInvoice, search by transactionUuid, PDF)',
    },
  ];
