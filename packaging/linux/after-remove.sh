#!/bin/bash
# VitalBridge .deb post-remove (an electron-builder template, like after-install.sh).
# Removes what after-install.sh put outside /opt; the station's records stay in each user's data folder.

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}' || true
else
  rm -f '/usr/bin/${executable}'
fi

rm -f /etc/udev/rules.d/60-vitalbridge.rules /usr/lib/systemd/user/vitalbridge-kiosk.service
if command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
  udevadm control --reload-rules || true
fi
