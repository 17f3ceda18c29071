/**
 * Installers (`npm run dist`, electron-builder): Linux AppImage and .deb, Windows NSIS (per machine),
 * macOS dmg. Signing and notarisation come only from the environment (electron-builder's own
 * variables, README "Installers"); without them the build is unsigned and says so, never faked.
 * The fuses turn off what a station never needs and an attacker would use: running the binary as
 * plain Node, NODE_OPTIONS and --inspect, loading app code from outside the checked asar.
 */
import type { Configuration } from 'electron-builder';

/** The generic HTTPS folder `npm run dist` publishes update metadata for (latest*.yml); the station's own feed is a setting. */
const UPDATE_FEED_VARIABLE = 'VITALBRIDGE_UPDATE_FEED';

export function packagingConfig(env: NodeJS.ProcessEnv = process.env): Configuration {
  const macSigning = Boolean(env.CSC_LINK ?? env.CSC_NAME);
  const macNotarising = Boolean((env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) || (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID));
  const feed = env[UPDATE_FEED_VARIABLE];
  return {
    appId: 'org.vitalbridge.station',
    productName: 'VitalBridge',
    copyright: 'VitalBridge contributors, Apache-2.0',
    directories: { output: 'dist', buildResources: 'packaging' },
    // The built app only: sources, tests and captures stay out of the installer.
    files: ['out/**/*', 'package.json'],
    asar: true,
    // Native modules (SQLCipher, node-hid, serialport) are rebuilt for the packaged Electron and kept outside the asar to be loaded.
    npmRebuild: true,
    asarUnpack: ['**/*.node'],
    electronFuses: {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    },
    publish: feed ? [{ provider: 'generic', url: feed }] : null,
    linux: {
      target: ['AppImage', 'deb'],
      executableName: 'vitalbridge',
      category: 'MedicalSoftware',
      synopsis: 'Telehealth and monitoring station',
      maintainer: 'VitalBridge contributors <maintainers@vitalbridge.invalid>',
      extraResources: [
        { from: 'resources/udev/60-vitalbridge.rules', to: 'udev/60-vitalbridge.rules' },
        { from: 'packaging/linux/vitalbridge-kiosk.service', to: 'systemd/vitalbridge-kiosk.service' },
      ],
    },
    deb: {
      afterInstall: 'packaging/linux/after-install.sh',
      afterRemove: 'packaging/linux/after-remove.sh',
      // udevadm for the device rules; systemd for the kiosk's user unit (offered, installed disabled).
      recommends: ['udev', 'systemd'],
    },
    win: {
      target: 'nsis',
      // electron-updater refuses an update whose signature is not from this publisher.
      verifyUpdateCodeSignature: true,
      ...(env.VITALBRIDGE_WINDOWS_PUBLISHER ? { signtoolOptions: { publisherName: [env.VITALBRIDGE_WINDOWS_PUBLISHER] } } : {}),
    },
    nsis: {
      oneClick: false,
      perMachine: true,
      allowElevation: true,
      allowToChangeInstallationDirectory: false,
      // The records live in each user's data folder; uninstalling the program never erases them.
      deleteAppDataOnUninstall: false,
    },
    mac: {
      target: 'dmg',
      category: 'public.app-category.medical',
      hardenedRuntime: true,
      entitlements: 'packaging/mac/entitlements.mac.plist',
      entitlementsInherit: 'packaging/mac/entitlements.mac.plist',
      extendInfo: {
        NSCameraUsageDescription: 'Video visits show you to your clinician.',
        NSMicrophoneUsageDescription: 'Video visits let your clinician hear you.',
        // CoreBluetooth refuses an app without it (BLE health devices, src/node/ble).
        NSBluetoothAlwaysUsageDescription: 'The station reads your Bluetooth blood-pressure monitor, scale, thermometer or oximeter.',
      },
      // No certificate in the environment: an unsigned build (null), never an ad-hoc or made-up identity.
      ...(macSigning ? {} : { identity: null }),
      notarize: macSigning && macNotarising,
    },
  };
}

export default packagingConfig();
