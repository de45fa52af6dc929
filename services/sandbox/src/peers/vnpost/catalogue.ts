/**
 * A small 2-level MyVNPost catalogue (post-1 July 2025 provinces and communes) for the simulator. Codes
 * follow VNPost's postcode scheme (Hà Nội 10, TP.HCM 70, province 2 digits, commune 5 [code N7; scheme
 * inf]); the commune entries put the province code under `districtCode`, as the new catalogue does
 * [code N1, N7]. Synthetic but shaped like the real one; not a copy of VNPost's data.
 */
export const provinces = [
  { provinceCode: '10', provinceName: 'Thành phố Hà Nội' },
  { provinceCode: '70', provinceName: 'Thành phố Hồ Chí Minh' },
  { provinceCode: '31', provinceName: 'Tỉnh Tuyên Quang' },
  { provinceCode: '55', provinceName: 'Thành phố Đà Nẵng' },
];

export const communes = [
  { communeCode: '11022', communeName: 'Phường Ba Đình', districtCode: '10' },
  { communeCode: '11130', communeName: 'Phường Hoàn Kiếm', districtCode: '10' },
  { communeCode: '70103', communeName: 'Phường Sài Gòn', districtCode: '70' },
  { communeCode: '70215', communeName: 'Phường Bến Thành', districtCode: '70' },
  { communeCode: '31101', communeName: 'Phường Hà Giang 1', districtCode: '31' },
  { communeCode: '31420', communeName: 'Xã Đồng Văn', districtCode: '31' },
  { communeCode: '55010', communeName: 'Phường Hải Châu', districtCode: '55' },
];
