"""smp-studio: the consultation GUI. ``smp-studio [PHOTO]``."""

from __future__ import annotations

import argparse
import sys

from smp_studio import __version__


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="smp-studio", description="SMP Studio: simulate scalp micropigmentation.")
    ap.add_argument("photo", nargs="?", help="a client photo (default: a bundled sample)")
    ap.add_argument("--version", action="version", version=f"smp-studio {__version__}")
    args = ap.parse_args(argv)

    from smp_studio._memory import tune_allocator

    tune_allocator()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("SMP Studio")
    QCoreApplication.setApplicationName("SMP Studio")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from smp_studio.gui.window import MainWindow
    from smp_studio.resources import sample_photo

    win = MainWindow()
    win.show()
    if args.photo or not win.offer_recovery():
        win.open_photo(args.photo or sample_photo())
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
