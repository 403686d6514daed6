"""The Qt-free core of SMP Studio: numpy, OpenCV and scikit-image only.

Everything here works headless, from a notebook, a batch job or the CLI.
Coordinates are ``(x, y)`` float image pixels of the orientation-corrected
photo; physical sizes go through :class:`smp_studio.core.model.scale.Scale`.
"""

from smp_studio.core.errors import PhotoError, SettingsError, SmpError
from smp_studio.core.analysis.photo import Photo, load_photo
from smp_studio.core.model.scale import Scale

__all__ = ["Photo", "PhotoError", "Scale", "SettingsError", "SmpError", "load_photo"]
