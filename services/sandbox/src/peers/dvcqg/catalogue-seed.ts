/**
 * Seed of the simulated national catalogue: procedures (LayDanhSachTTHC/LayThuTuc) and agencies
 * (LayDanhMucCoQuan). Deterministic data, not code: the hub loads catalogues from the portal, never from
 * constants (design, Contracts), and this file only stands in for the portal.
 *
 * Names and structure are real-looking — modelled on published one-stop procedures of a province
 * (civil status, attestation, land, construction, household business, labour, education, health,
 * transport…) — but the codes are NOT copied from the national catalogue [inf]: MaTTHC follows the
 * national form "d.dddddd" (reference §2), MaLinhVuc the "Gnn-XXnn" form seen in [code X3], agency
 * codes the QCVN 102 four-group form (reference §2), all under the fictitious province code H99 so they
 * cannot be mistaken for a real province's.
 */

/** Fields (lĩnh vực): code, name. */
export const fieldsSeed = [
  ['G09-HT01', 'Hộ tịch'],
  ['G09-CT02', 'Chứng thực'],
  ['G09-LL03', 'Lý lịch tư pháp'],
  ['G10-DD01', 'Đất đai'],
  ['G11-XD01', 'Hoạt động xây dựng'],
  ['G05-KD01', 'Thành lập và hoạt động của hộ kinh doanh'],
  ['G12-LD01', 'Lao động - Tiền lương'],
  ['G12-BT02', 'Bảo trợ xã hội'],
  ['G12-NC03', 'Người có công'],
  ['G03-GD10', 'Giáo dục và Đào tạo'],
  ['G13-YT01', 'Khám bệnh, chữa bệnh'],
  ['G14-GT01', 'Đường bộ'],
  ['G06-CT01', 'Lưu thông hàng hóa trong nước'],
  ['G07-VH01', 'Văn hóa cơ sở'],
  ['G10-MT02', 'Môi trường'],
  ['G08-NN01', 'Thủy lợi'],
] as const;

/** Agencies: code, name, level (CAPDONVI: 1 ministry, 2 province, 3 provincial department, 4 commune [inf]). */
export const agenciesSeed = [
  ['000.00.00.G09', 'Bộ Tư pháp', '1'],
  ['000.00.00.G10', 'Bộ Nông nghiệp và Môi trường', '1'],
  ['000.00.00.G11', 'Bộ Xây dựng', '1'],
  ['000.00.00.G12', 'Bộ Nội vụ', '1'],
  ['000.00.00.H99', 'Ủy ban nhân dân tỉnh Sa Bàn', '2'],
  ['000.00.01.H99', 'Sở Tư pháp tỉnh Sa Bàn', '3'],
  ['000.00.02.H99', 'Sở Nông nghiệp và Môi trường tỉnh Sa Bàn', '3'],
  ['000.00.03.H99', 'Sở Xây dựng tỉnh Sa Bàn', '3'],
  ['000.00.04.H99', 'Sở Tài chính tỉnh Sa Bàn', '3'],
  ['000.00.05.H99', 'Sở Nội vụ tỉnh Sa Bàn', '3'],
  ['000.00.06.H99', 'Sở Giáo dục và Đào tạo tỉnh Sa Bàn', '3'],
  ['000.00.07.H99', 'Sở Y tế tỉnh Sa Bàn', '3'],
  ['000.00.08.H99', 'Sở Công Thương tỉnh Sa Bàn', '3'],
  ['000.00.09.H99', 'Sở Văn hóa, Thể thao và Du lịch tỉnh Sa Bàn', '3'],
  ['000.00.10.H99', 'Trung tâm Phục vụ hành chính công tỉnh Sa Bàn', '3'],
  ['000.01.00.H99', 'Ủy ban nhân dân phường Bến Đò', '4'],
  ['000.02.00.H99', 'Ủy ban nhân dân phường Hòa Thuận', '4'],
  ['000.03.00.H99', 'Ủy ban nhân dân xã Tân Lập', '4'],
  ['000.04.00.H99', 'Ủy ban nhân dân xã Phước Hưng', '4'],
  ['000.05.00.H99', 'Ủy ban nhân dân xã Đông Sơn', '4'],
] as const;

/** Legal bases cited by procedures: number, title. */
export const legalSeed = [
  ['60/2014/QH13', 'Luật Hộ tịch'],
  ['23/2015/NĐ-CP', 'Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký'],
  ['31/2024/QH15', 'Luật Đất đai'],
  ['50/2014/QH13', 'Luật Xây dựng'],
  ['168/2025/NĐ-CP', 'Nghị định về đăng ký doanh nghiệp'],
  ['45/2019/QH14', 'Bộ luật Lao động'],
  ['20/2021/NĐ-CP', 'Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội'],
  ['43/2019/QH14', 'Luật Giáo dục'],
  ['15/2023/QH15', 'Luật Khám bệnh, chữa bệnh'],
  ['36/2024/QH15', 'Luật Trật tự, an toàn giao thông đường bộ'],
  ['28/2009/QH12', 'Luật Lý lịch tư pháp'],
  ['02/2021/UBTVQH15', 'Pháp lệnh Ưu đãi người có công với cách mạng'],
] as const;

/**
 * Procedures: [MaTTHC, TenTTHC, field index, agency index, days to resolve, fee in VND (0 = free),
 * result name, documents to submit, who may file ('1' citizens, '2' businesses, '12' both), legal index].
 */
export type ProcedureSeed = readonly [string, string, number, number, number, number, string, readonly string[], '1' | '2' | '12', number];

export const proceduresSeed: readonly ProcedureSeed[] = [
  ['1.001193', 'Đăng ký khai sinh', 0, 15, 1, 0, 'Giấy khai sinh', ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh'], '1', 0],
  ['1.001022', 'Đăng ký kết hôn', 0, 15, 3, 0, 'Giấy chứng nhận kết hôn', ['Tờ khai đăng ký kết hôn', 'Giấy xác nhận tình trạng hôn nhân'], '1', 0],
  ['1.000656', 'Đăng ký khai tử', 0, 15, 1, 0, 'Trích lục khai tử', ['Tờ khai đăng ký khai tử', 'Giấy báo tử'], '1', 0],
  ['1.004873', 'Cấp Giấy xác nhận tình trạng hôn nhân', 0, 15, 3, 3_000, 'Giấy xác nhận tình trạng hôn nhân', ['Tờ khai cấp Giấy xác nhận tình trạng hôn nhân'], '1', 0],
  ['1.004859', 'Đăng ký nhận cha, mẹ, con', 0, 15, 3, 15_000, 'Trích lục đăng ký nhận cha, mẹ, con', ['Tờ khai đăng ký nhận cha, mẹ, con', 'Văn bản chứng minh quan hệ cha, mẹ, con'], '1', 0],
  ['1.004837', 'Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch', 0, 15, 3, 15_000, 'Trích lục thay đổi, cải chính hộ tịch', ['Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch'], '1', 0],
  ['1.003583', 'Cấp bản sao trích lục hộ tịch', 0, 15, 1, 8_000, 'Bản sao trích lục hộ tịch', ['Tờ khai cấp bản sao trích lục hộ tịch'], '1', 0],
  ['1.000894', 'Đăng ký khai sinh có yếu tố nước ngoài', 0, 5, 15, 75_000, 'Giấy khai sinh', ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Hộ chiếu của cha, mẹ'], '1', 0],
  ['2.000815', 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', 1, 15, 1, 2_000, 'Bản sao được chứng thực', ['Bản chính giấy tờ, văn bản', 'Bản sao cần chứng thực'], '12', 1],
  ['2.000884', 'Chứng thực chữ ký trong các giấy tờ, văn bản', 1, 15, 1, 10_000, 'Giấy tờ, văn bản được chứng thực chữ ký', ['Giấy tờ, văn bản cần chứng thực chữ ký', 'Giấy tờ tùy thân'], '1', 1],
  ['2.001035', 'Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản', 1, 15, 2, 50_000, 'Hợp đồng, giao dịch được chứng thực', ['Dự thảo hợp đồng, giao dịch', 'Giấy tờ tùy thân'], '12', 1],
  ['2.000908', 'Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch', 1, 15, 2, 30_000, 'Văn bản sửa đổi được chứng thực', ['Dự thảo văn bản sửa đổi, bổ sung, hủy bỏ', 'Hợp đồng đã được chứng thực'], '12', 1],
  ['2.000488', 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', 2, 5, 10, 200_000, 'Phiếu lý lịch tư pháp', ['Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp', 'Bản chụp giấy tờ tùy thân'], '1', 10],
  ['2.000505', 'Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng', 2, 5, 10, 0, 'Phiếu lý lịch tư pháp', ['Văn bản yêu cầu cấp Phiếu lý lịch tư pháp'], '2', 10],
  ['1.004227', 'Đăng ký đất đai, tài sản gắn liền với đất lần đầu', 3, 14, 20, 100_000, 'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất', ['Đơn đăng ký đất đai, tài sản gắn liền với đất', 'Giấy tờ về quyền sử dụng đất', 'Sơ đồ nhà ở, công trình xây dựng'], '12', 2],
  ['1.004203', 'Đăng ký biến động quyền sử dụng đất do chuyển nhượng', 3, 14, 10, 50_000, 'Giấy chứng nhận đã cập nhật biến động', ['Đơn đăng ký biến động đất đai', 'Hợp đồng chuyển nhượng quyền sử dụng đất', 'Giấy chứng nhận đã cấp'], '12', 2],
  ['1.004199', 'Cấp đổi Giấy chứng nhận quyền sử dụng đất', 3, 14, 7, 50_000, 'Giấy chứng nhận quyền sử dụng đất', ['Đơn đề nghị cấp đổi Giấy chứng nhận', 'Bản gốc Giấy chứng nhận đã cấp'], '12', 2],
  ['1.004177', 'Cấp lại Giấy chứng nhận do bị mất', 3, 14, 10, 50_000, 'Giấy chứng nhận quyền sử dụng đất', ['Đơn đề nghị cấp lại Giấy chứng nhận', 'Giấy xác nhận việc mất Giấy chứng nhận'], '12', 2],
  ['1.005199', 'Chuyển mục đích sử dụng đất', 3, 6, 15, 0, 'Quyết định cho phép chuyển mục đích sử dụng đất', ['Đơn xin chuyển mục đích sử dụng đất', 'Giấy chứng nhận quyền sử dụng đất'], '12', 2],
  ['1.005229', 'Tách thửa hoặc hợp thửa đất', 3, 14, 15, 50_000, 'Giấy chứng nhận của các thửa đất mới', ['Đơn đề nghị tách thửa đất, hợp thửa đất', 'Bản vẽ tách thửa đất, hợp thửa đất', 'Giấy chứng nhận đã cấp'], '12', 2],
  ['1.009972', 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', 4, 7, 15, 75_000, 'Giấy phép xây dựng', ['Đơn đề nghị cấp giấy phép xây dựng', 'Giấy tờ về quyền sử dụng đất', 'Bản vẽ thiết kế xây dựng'], '1', 3],
  ['1.009974', 'Cấp giấy phép xây dựng sửa chữa, cải tạo công trình', 4, 7, 15, 75_000, 'Giấy phép xây dựng', ['Đơn đề nghị cấp giấy phép sửa chữa, cải tạo', 'Bản vẽ hiện trạng công trình'], '12', 3],
  ['1.009976', 'Điều chỉnh giấy phép xây dựng', 4, 7, 10, 15_000, 'Giấy phép xây dựng điều chỉnh', ['Đơn đề nghị điều chỉnh giấy phép xây dựng', 'Bản chính giấy phép xây dựng đã cấp'], '12', 3],
  ['1.009988', 'Gia hạn giấy phép xây dựng', 4, 7, 5, 10_000, 'Giấy phép xây dựng được gia hạn', ['Đơn đề nghị gia hạn giấy phép xây dựng', 'Bản chính giấy phép xây dựng đã cấp'], '12', 3],
  ['1.011608', 'Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở', 4, 7, 30, 0, 'Văn bản thông báo kết quả thẩm định', ['Tờ trình thẩm định thiết kế', 'Hồ sơ thiết kế xây dựng', 'Báo cáo kết quả khảo sát'], '2', 3],
  ['2.000720', 'Đăng ký thành lập hộ kinh doanh', 5, 8, 3, 100_000, 'Giấy chứng nhận đăng ký hộ kinh doanh', ['Giấy đề nghị đăng ký hộ kinh doanh', 'Bản sao giấy tờ pháp lý của cá nhân'], '12', 4],
  ['2.000575', 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', 5, 8, 3, 50_000, 'Giấy chứng nhận đăng ký hộ kinh doanh', ['Thông báo thay đổi nội dung đăng ký hộ kinh doanh'], '12', 4],
  ['2.000589', 'Tạm ngừng kinh doanh, tiếp tục kinh doanh của hộ kinh doanh', 5, 8, 3, 0, 'Giấy xác nhận về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh', ['Thông báo tạm ngừng kinh doanh'], '12', 4],
  ['2.000614', 'Chấm dứt hoạt động hộ kinh doanh', 5, 8, 3, 0, 'Thông báo về việc chấm dứt hoạt động hộ kinh doanh', ['Thông báo chấm dứt hoạt động hộ kinh doanh', 'Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh'], '12', 4],
  ['1.000459', 'Đăng ký nội quy lao động của doanh nghiệp', 6, 9, 7, 0, 'Thông báo về việc đăng ký nội quy lao động', ['Văn bản đề nghị đăng ký nội quy lao động', 'Nội quy lao động'], '2', 5],
  ['1.000105', 'Gửi thỏa ước lao động tập thể', 6, 9, 5, 0, 'Xác nhận đã nhận thỏa ước lao động tập thể', ['Thỏa ước lao động tập thể đã ký kết'], '2', 5],
  ['1.001776', 'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng', 7, 15, 15, 0, 'Quyết định trợ cấp xã hội hằng tháng', ['Tờ khai đề nghị trợ giúp xã hội', 'Bản sao giấy tờ chứng minh đối tượng'], '1', 6],
  ['1.001758', 'Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội', 7, 15, 5, 0, 'Quyết định hỗ trợ chi phí mai táng', ['Tờ khai đề nghị hỗ trợ chi phí mai táng', 'Bản sao giấy chứng tử'], '1', 6],
  ['1.001739', 'Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật', 7, 16, 25, 0, 'Giấy xác nhận khuyết tật', ['Đơn đề nghị xác định mức độ khuyết tật'], '1', 6],
  ['1.010801', 'Giải quyết chế độ trợ cấp thờ cúng liệt sĩ', 8, 9, 12, 0, 'Quyết định trợ cấp thờ cúng liệt sĩ', ['Bản khai đề nghị trợ cấp thờ cúng liệt sĩ', 'Bản sao Bằng Tổ quốc ghi công'], '1', 11],
  ['1.010823', 'Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ', 8, 9, 5, 0, 'Giấy giới thiệu thăm viếng mộ liệt sĩ', ['Đơn đề nghị cấp giấy giới thiệu'], '1', 11],
  ['1.005092', 'Chuyển trường đối với học sinh trung học cơ sở', 9, 15, 3, 0, 'Hồ sơ chuyển trường được chấp thuận', ['Đơn xin chuyển trường', 'Học bạ'], '1', 7],
  ['1.005095', 'Chuyển trường đối với học sinh trung học phổ thông', 9, 10, 3, 0, 'Hồ sơ chuyển trường được chấp thuận', ['Đơn xin chuyển trường', 'Học bạ', 'Giấy giới thiệu chuyển trường'], '1', 7],
  ['2.001914', 'Cấp bản sao văn bằng, chứng chỉ từ sổ gốc', 9, 10, 5, 0, 'Bản sao văn bằng, chứng chỉ', ['Đơn đề nghị cấp bản sao văn bằng, chứng chỉ'], '1', 7],
  ['1.005071', 'Chỉnh sửa nội dung văn bằng, chứng chỉ', 9, 10, 5, 0, 'Văn bằng, chứng chỉ đã chỉnh sửa', ['Đơn đề nghị chỉnh sửa văn bằng', 'Văn bằng, chứng chỉ đề nghị chỉnh sửa', 'Giấy tờ làm căn cứ chỉnh sửa'], '1', 7],
  ['1.004988', 'Thành lập trường mầm non tư thục', 9, 10, 20, 0, 'Quyết định cho phép thành lập', ['Tờ trình đề nghị thành lập', 'Đề án thành lập trường'], '2', 7],
  ['1.002058', 'Cấp giấy phép hành nghề đối với người hành nghề khám bệnh, chữa bệnh', 10, 11, 30, 360_000, 'Giấy phép hành nghề khám bệnh, chữa bệnh', ['Đơn đề nghị cấp giấy phép hành nghề', 'Bản sao văn bằng chuyên môn', 'Giấy chứng nhận đủ sức khỏe'], '1', 8],
  ['1.003817', 'Cấp giấy phép hoạt động đối với phòng khám đa khoa', 10, 11, 45, 5_700_000, 'Giấy phép hoạt động khám bệnh, chữa bệnh', ['Đơn đề nghị cấp giấy phép hoạt động', 'Danh sách người hành nghề', 'Hồ sơ thiết bị y tế'], '2', 8],
  ['1.002962', 'Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh do bị mất', 10, 11, 10, 180_000, 'Giấy phép hành nghề khám bệnh, chữa bệnh', ['Đơn đề nghị cấp lại giấy phép hành nghề'], '1', 8],
  ['1.002809', 'Đổi giấy phép lái xe do ngành Giao thông vận tải cấp', 11, 7, 5, 135_000, 'Giấy phép lái xe', ['Đơn đề nghị đổi giấy phép lái xe', 'Giấy khám sức khỏe của người lái xe'], '1', 9],
  ['1.002804', 'Cấp lại giấy phép lái xe', 11, 7, 10, 135_000, 'Giấy phép lái xe', ['Đơn đề nghị cấp lại giấy phép lái xe', 'Giấy khám sức khỏe của người lái xe'], '1', 9],
  ['1.001577', 'Cấp phù hiệu xe ô tô kinh doanh vận tải', 11, 7, 2, 0, 'Phù hiệu xe ô tô kinh doanh vận tải', ['Giấy đề nghị cấp phù hiệu', 'Bản sao giấy đăng ký xe ô tô'], '2', 9],
  ['1.000291', 'Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ', 11, 7, 2, 0, 'Giấy phép lưu hành xe', ['Đơn đề nghị cấp giấy phép lưu hành xe', 'Bản sao giấy đăng ký xe'], '12', 9],
  ['2.000633', 'Cấp Giấy phép bán lẻ sản phẩm thuốc lá', 12, 12, 15, 1_100_000, 'Giấy phép bán lẻ sản phẩm thuốc lá', ['Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm thuốc lá', 'Bản sao Giấy chứng nhận đăng ký kinh doanh'], '12', 4],
  ['2.000620', 'Cấp Giấy phép bán lẻ rượu', 12, 12, 10, 1_100_000, 'Giấy phép bán lẻ rượu', ['Đơn đề nghị cấp Giấy phép bán lẻ rượu', 'Bản cam kết về bảo đảm an toàn thực phẩm'], '12', 4],
  ['1.001029', 'Cấp giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu', 12, 12, 15, 1_200_000, 'Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu', ['Đơn đề nghị cấp Giấy chứng nhận', 'Tài liệu chứng minh cửa hàng đáp ứng điều kiện'], '2', 4],
  ['1.000954', 'Công nhận danh hiệu "Gia đình văn hóa" hằng năm', 13, 15, 5, 0, 'Giấy khen Gia đình văn hóa', ['Đơn đề nghị công nhận'], '1', 7],
  ['1.001120', 'Thông báo tổ chức lễ hội cấp xã', 13, 17, 5, 0, 'Văn bản trả lời về việc tổ chức lễ hội', ['Văn bản thông báo tổ chức lễ hội', 'Chương trình lễ hội'], '2', 7],
  ['1.004138', 'Đăng ký kế hoạch bảo vệ môi trường', 14, 16, 10, 0, 'Thông báo tiếp nhận kế hoạch bảo vệ môi trường', ['Văn bản đề nghị đăng ký kế hoạch bảo vệ môi trường', 'Kế hoạch bảo vệ môi trường'], '2', 2],
  ['1.010733', 'Cấp giấy phép môi trường cấp tỉnh', 14, 6, 30, 0, 'Giấy phép môi trường', ['Văn bản đề nghị cấp giấy phép môi trường', 'Báo cáo đề xuất cấp giấy phép môi trường'], '2', 2],
  ['1.003446', 'Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi', 15, 6, 20, 0, 'Giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi', ['Đơn đề nghị cấp giấy phép', 'Bản đồ khu vực hoạt động'], '12', 2],
  ['1.003524', 'Phê duyệt phương án cắm mốc chỉ giới phạm vi bảo vệ công trình thủy lợi', 15, 6, 15, 0, 'Quyết định phê duyệt phương án cắm mốc', ['Tờ trình đề nghị phê duyệt', 'Phương án cắm mốc chỉ giới'], '2', 2],
  ['2.002492', 'Đăng ký giám hộ', 0, 18, 3, 0, 'Trích lục đăng ký giám hộ', ['Tờ khai đăng ký giám hộ', 'Văn bản cử người giám hộ'], '1', 0],
  ['1.005129', 'Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', 0, 19, 5, 0, 'Giấy khai sinh; xác nhận thường trú; thẻ bảo hiểm y tế', ['Tờ khai liên thông', 'Giấy chứng sinh'], '1', 0],
];
