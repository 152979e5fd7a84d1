"""The headings sensorlab writes into a sheet besides what was measured: every reader of a class sheet (the class
view, ``Sheet.frame()``, the sidebar) knows them by these words, whatever the language of the logger that wrote them."""

__all__ = ["DEVICE", "EVERY", "GROUP", "NOTE", "RESERVED", "ROW_ID", "SHEET", "TIME", "TIME_ZONE"]

TIME = "time"
GROUP = "group"  # which logger: the label a student or teacher gave, else "logger <key>"
DEVICE = "device"
NOTE = "note"
EVERY = "every (min)"  # minutes until the logger's next row, as its schedule said when it wrote this one
TIME_ZONE = "time zone"  # the UTC offset of the row's time: the autumn hour that repeats stays in order
SHEET = "sheet"  # in a class sheet's pointer row: the device sheet a logger's rows of that device go to
ROW_ID = "row id"
RESERVED = (TIME, GROUP, DEVICE, NOTE, EVERY, TIME_ZONE, SHEET, ROW_ID)
