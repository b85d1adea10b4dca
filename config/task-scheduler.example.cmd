@rem Lịch tổng hợp tự động đăng ký “Dân vận khéo” trên Windows (Task Scheduler) — thay cho crontab.example.
@rem
@rem Cách dùng:
@rem   1. Ghi nguồn dữ liệu vào config\danvan.toml, mục [source] (spec = "gsheet:…", units = "don-vi.csv"),
@rem      rồi chạy thử một lần trong PowerShell:
@rem        powershell -NoProfile -ExecutionPolicy Bypass -File scripts\cron-aggregate.ps1; echo $LASTEXITCODE   (0 là tốt)
@rem   2. Mở “Command Prompt” bằng tài khoản sẽ chạy công cụ, chép hai lệnh dưới đây,
@rem      thay C:\duong\dan\danvan-sheets bằng thư mục dự án trên máy.
@rem
@rem Nhật ký: %LOCALAPPDATA%\danvan-sheets\cron\tong-hop.log (mỗi lần chạy một dòng). Xem lần chạy gần nhất:
@rem   .venv\Scripts\danvan.exe doctor        hoặc   danvan config path   (in đường dẫn nhật ký)

@rem Giờ hành chính: 30 phút một lần, từ 7:00 đến 17:30, thứ Hai đến thứ Sáu.
schtasks /create /tn "danvan tong hop" /tr "powershell -NoProfile -ExecutionPolicy Bypass -File C:\duong\dan\danvan-sheets\scripts\cron-aggregate.ps1" /sc weekly /d MON,TUE,WED,THU,FRI /st 07:00 /ri 30 /du 0010:30 /f

@rem Ngày hạn đăng ký (theo [campaign] deadline, ở đây 25/4): chạy thêm một lần lúc 20:00. Ngày ghi theo định dạng
@rem ngày của Windows trên máy (Việt Nam: dd/mm/yyyy). Sửa ngày mỗi năm cho đúng hạn mới.
schtasks /create /tn "danvan tong hop ngay han" /tr "powershell -NoProfile -ExecutionPolicy Bypass -File C:\duong\dan\danvan-sheets\scripts\cron-aggregate.ps1" /sc once /sd 25/04/2026 /st 20:00 /f
