import { createCsdlDanCuClient, type CsdlDanCuClient } from '@lienthong/csdl-dancu';
import { createDkkdClient, type DkkdClient } from '@lienthong/dkkd';
import { HubError, type Logger } from '@lienthong/platform';
import type { CitizenDataConfig } from './config.js';

/** The two registry clients from the config (timeouts, reply cap and breaker shared). */
export function createRegistryClients(config: CitizenDataConfig, logger: Logger): { csdl: CsdlDanCuClient; dkkd: DkkdClient } {
  const common = {
    timeoutMs: config.CITIZEN_DATA_PEER_TIMEOUT_MS,
    maxReplyBytes: config.CITIZEN_DATA_MAX_REPLY_BYTES,
    breaker: { failureThreshold: config.CITIZEN_DATA_BREAKER_FAILURES, openMs: config.CITIZEN_DATA_BREAKER_OPEN_MS },
    logger,
  };
  const csdl = createCsdlDanCuClient({
    ...common,
    tokenUrl: config.CSDL_TOKEN_URL,
    serviceUrl: config.CSDL_SERVICE_URL,
    credentials: {
      AccessKey: config.CSDL_ACCESS_KEY,
      SecretKey: config.CSDL_SECRET_KEY,
      AppName: config.CSDL_APP_NAME,
      PartnerCode: config.CSDL_PARTNER_CODE,
      PartnerCodeCus: config.CSDL_PARTNER_CODE_CUS || config.CSDL_PARTNER_CODE,
    },
  });
  const need = (k: keyof CitizenDataConfig): string => {
    const v = config[k];
    if (typeof v !== 'string' || v === '')
      throw new HubError('LT_CONFIG_INVALID', `DKKD_ROUTE=${config.DKKD_ROUTE} needs ${k}`, { kind: 'internal' });
    return v;
  };
  const dkkd = createDkkdClient({
    ...common,
    route:
      config.DKKD_ROUTE === 'thanh-hoa'
        ? { kind: 'thanh-hoa', url: need('DKKD_THANHHOA_URL') }
        : config.DKKD_ROUTE === 'hcm-esb'
          ? {
              kind: 'hcm-esb',
              url: need('DKKD_ESB_URL'),
              credentials: {
                AccessKey: need('DKKD_ESB_ACCESS_KEY'),
                SecretKey: need('DKKD_ESB_SECRET_KEY'),
                AppName: config.CSDL_APP_NAME,
                PartnerCode: config.CSDL_PARTNER_CODE,
                PartnerCodeCus: config.CSDL_PARTNER_CODE_CUS || config.CSDL_PARTNER_CODE,
              },
            }
          : {
              kind: 'ngsp',
              tokenUrl: need('DKKD_TOKEN_URL'),
              adapterUrl: need('DKKD_ADAPTER_URL'),
              consumerKey: need('DKKD_CONSUMER_KEY'),
              consumerSecret: need('DKKD_CONSUMER_SECRET'),
            },
  });
  return { csdl, dkkd };
}
