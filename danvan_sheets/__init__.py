"""danvan-sheets: tổng hợp đăng ký mô hình “Dân vận khéo”.

Pipeline: sources (xlsx, dir, Google) -> grids of cell values (`grid.Tab`)
-> form reader (`core.reader`) -> checks (`core.checks`) -> summary
(`core.summary`) -> writers (xlsx, sheet, JSON/CSV, email).
"""

__version__ = "0.1.0"
