import { PostalError, PostalErrorCodes } from './errors.js';

/**
 * VNPost addresses its orders with its own postcode-style codes (province 2 digits, commune 5), not the
 * administrative-unit codes the one-stop systems store (vnpost.md §5 [code N7, X7; scheme inf]). After the
 * 1 July 2025 merger MyVNPost serves a 2-level catalogue (province, commune) and a 2-level order carries
 * the literal district "VNPOST" [code N1, N2]. So the hub keeps a mapping as data:
 * - an override table (a JSON file the province maintains): administrative commune code → VNPost codes;
 * - VNPost's own 2-level catalogue (refreshed from getNewProvinceAll/getNewCommuneAll), matched by the
 *   unit's name within its province when the table has no entry [inf: names are the only shared key found].
 * An address that maps to nothing is refused with a clear error naming the field; never guessed.
 */
export interface VnpostCommune {
  provinceCode: string;
  provinceName: string;
  communeCode: string;
  communeName: string;
}

export interface AddressMapTable {
  /** Administrative commune code (2025 codes) → VNPost province and commune codes. */
  units: Record<string, { province: string; commune: string }>;
}

/** The receiver's address as the provincial system gives it. */
export interface ReceiverAddress {
  /** Street, house number, hamlet: free text sent as the address line. */
  street: string;
  provinceCode?: string;
  provinceName?: string;
  communeCode?: string;
  communeName?: string;
}

export interface MappedAddress {
  ProvinceCode: string;
  /** Always "VNPOST" in 2-level mode (vnpost.md §5 [code N1, N2]). */
  DistrictCode: 'VNPOST';
  CommuneCode: string;
  /** How the codes were found, for the ledger and operators. */
  via: 'table' | 'catalogue';
}

const PREFIXES = /^(tinh|thanh pho|tp\.?|phuong|xa|dac khu|thi tran|thi xa)\s+/;

/** Lower case, no diacritics (đ → d), no administrative prefix, single spaces: the name match key. */
export function nameKey(name: string): string {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9 .]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.replace(PREFIXES, '').trim();
}

export interface AddressMapper {
  map(address: ReceiverAddress, path?: string): MappedAddress;
  /** Replaces VNPost's catalogue (after a refresh). */
  setCatalogue(catalogue: readonly VnpostCommune[]): void;
  catalogueSize(): number;
}

export function createAddressMapper(table: AddressMapTable, catalogue: readonly VnpostCommune[] = []): AddressMapper {
  let byName = new Map<string, VnpostCommune>();
  let size = 0;
  const setCatalogue = (list: readonly VnpostCommune[]) => {
    byName = new Map();
    for (const c of list) byName.set(`${nameKey(c.provinceName)}|${nameKey(c.communeName)}`, c);
    size = list.length;
  };
  setCatalogue(catalogue);

  const unmapped = (path: string, field: string, en: string, vi: string) =>
    new PostalError(PostalErrorCodes.ADDRESS_UNMAPPED, en, {
      kind: 'invalid',
      messageVi: vi,
      details: [{ path: `${path}/${field}`, code: PostalErrorCodes.ADDRESS_UNMAPPED, message: vi, message_en: en }],
    });

  return {
    map(address, path = '') {
      if (address.communeCode) {
        const hit = table.units[address.communeCode];
        if (hit) return { ProvinceCode: hit.province, DistrictCode: 'VNPOST', CommuneCode: hit.commune, via: 'table' };
      }
      if (address.provinceName && address.communeName) {
        const hit = byName.get(`${nameKey(address.provinceName)}|${nameKey(address.communeName)}`);
        if (hit)
          return { ProvinceCode: hit.provinceCode, DistrictCode: 'VNPOST', CommuneCode: hit.communeCode, via: 'catalogue' };
      }
      const what = address.communeCode ? `commune code ${address.communeCode}` : 'the commune';
      throw unmapped(
        path,
        address.communeCode ? 'communeCode' : 'communeName',
        `no VNPost code for ${what}: add it to the address mapping table or give provinceName and communeName as VNPost's catalogue names them`,
        `Không tìm được mã bưu chính cho ${address.communeCode ? `xã/phường mã ${address.communeCode}` : 'xã/phường này'}: bổ sung vào bảng ánh xạ địa chỉ hoặc ghi đúng tên tỉnh, xã/phường theo danh mục VNPost`,
      );
    },
    setCatalogue,
    catalogueSize: () => size,
  };
}
