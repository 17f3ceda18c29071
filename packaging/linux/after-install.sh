#!/bin/bash
# VitalBridge .deb post-install (an electron-builder template: ${executable} and
# ${sanitizedProductName} are filled in when the package is built; shell variables use $NAME only).
set -e

app_dir='/opt/${sanitizedProductName}'

# The command on the PATH, as electron-builder's own template does it.
if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --install '/usr/bin/${executable}' '${executable}' "$app_dir/${executable}" 100 || ln -sf "$app_dir/${executable}" '/usr/bin/${executable}'
else
  ln -sf "$app_dir/${executable}" '/usr/bin/${executable}'
fi

# Chromium's sandbox: user namespaces where the kernel allows them, else the setuid helper.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$app_dir/chrome-sandbox" || true
else
  chmod 4755 "$app_dir/chrome-sandbox" || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

# Access to the supported USB medical devices for the user at the seat (and the plugdev group,
# for kiosk accounts without a seat); a device already plugged in gets it without re-plugging.
install -m 0644 "$app_dir/resources/udev/60-vitalbridge.rules" /etc/udev/rules.d/60-vitalbridge.rules
if command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=hidraw --subsystem-match=tty --action=change || true
fi

# Kiosk autostart is offered, not imposed: the user unit is installed disabled.
install -m 0644 "$app_dir/resources/systemd/vitalbridge-kiosk.service" /usr/lib/systemd/user/vitalbridge-kiosk.service
echo "VitalBridge: to start the station full screen after login on a kiosk account, run as that user:"
echo "  systemctl --user enable vitalbridge-kiosk.service"
