#!/bin/bash
# Runs as root IN the lab's dom0 (test/lab/xend-host.ts pipes it through ssh, with the xm
# stand-in as $XM_SCRIPT): turn the Debian 12 dom0 into what an old xend host looked like.
#   - libvirtd stopped and disabled, its sockets too (socket activation would restart it);
#   - a xend stand-in unit (xend.service) enabled and running, `xm` over the real xl;
#   - /etc/default/xen with TOOLSTACK=xm, as Debian's xen-utils-common 4.1 had it;
#   - xend's tree: /etc/xen/xend-config.sxp, two managed domains in /var/lib/xend/domains
#     (labpv: a PV guest that boots the lab's tiny kernel + initramfs; labvnc: a PV guest with a
#     VNC framebuffer and password, never started: no device model in the lab), and an xm config
#     /etc/xen/labxm, linked from /etc/xen/auto, started with `xm create`.
# Prints nothing on success; the caller reads the resulting state back itself.
set -euo pipefail
: "${XM_SCRIPT:?}" "${LABPV_UUID:?}" "${LABVNC_UUID:?}" "${VNC_PASSWORD:?}"

command -v python3 >/dev/null || { echo "plant: python3 missing in dom0 (the xm stand-in needs it)" >&2; exit 1; }
# Under heavy host load the emulated boot can outlast xen.service's start timeout, leaving
# xenconsoled unstarted (then every guest start fails: "console tty: timed out").
if ! systemctl is-active --quiet xen.service; then
  echo "plant: xen.service was not active after boot (slow boot); starting it again" >&2
  systemctl start xen.service
fi
# The lab has no network (QEMU restrict=on): with the image's Debian mirror in sources.list,
# `apt-get update` spends minutes failing to resolve it. An offline host has no sources; its
# packages (libvirt's libxl driver among them) are installed already, which is the case the
# Debian strategy's `apt-get install` meets here.
[ -e /etc/apt/sources.list.xenlift-lab ] || mv /etc/apt/sources.list /etc/apt/sources.list.xenlift-lab
printf '# xenlift lab: offline, no package sources\n' > /etc/apt/sources.list

systemctl disable --now libvirtd-tcp.socket libvirtd-ro.socket libvirtd-admin.socket libvirtd.socket libvirtd.service >/dev/null 2>&1
systemctl stop libvirtd.service

printf '%s' "$XM_SCRIPT" > /usr/sbin/xm
chmod 755 /usr/sbin/xm
cat > /etc/systemd/system/xend.service <<'EOF'
[Unit]
Description=Xen management daemon (xend stand-in of the xenlift lab suite; xm runs over xl)
After=xenstored.service

[Service]
Type=simple
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now xend.service >/dev/null 2>&1

grep -q '^TOOLSTACK=' /etc/default/xen || cat >> /etc/default/xen <<'EOF'

# Choose the default toolstack to use. Available options:
# - xm: Default toolstack for Xen 4.1
# - xl: New toolstack
TOOLSTACK=xm
EOF

cat > /etc/xen/xend-config.sxp <<'EOF'
(xend-relocation-server no)
(xend-unix-server yes)
(vif-script vif-bridge)
(dom0-min-mem 196)
(enable-dom0-ballooning yes)
(vnc-listen '127.0.0.1')
EOF

mkdir -p "/var/lib/xend/domains/$LABPV_UUID" "/var/lib/xend/domains/$LABVNC_UUID" /etc/xen/auto
cat > "/var/lib/xend/domains/$LABPV_UUID/config.sxp" <<EOF
(domain
    (on_crash destroy)
    (uuid $LABPV_UUID)
    (vcpus 1)
    (name labpv)
    (on_poweroff destroy)
    (on_reboot restart)
    (maxmem 128)
    (memory 128)
    (shadow_memory 0)
    (on_xend_start ignore)
    (on_xend_stop ignore)
    (description 'xend-managed PV guest of the xenlift lab')
    (image
        (linux
            (kernel /root/guest/vmlinuz)
            (ramdisk /root/guest/guest-initrd.img)
            (args 'console=hvc0 quiet')
            (superpages 0)
            (nomigrate 0)
        )
    )
    (status 0)
)
EOF
cat > "/var/lib/xend/domains/$LABVNC_UUID/config.sxp" <<EOF
(domain
    (on_crash restart)
    (uuid $LABVNC_UUID)
    (vcpus 1)
    (name labvnc)
    (on_poweroff destroy)
    (on_reboot restart)
    (maxmem 128)
    (memory 128)
    (on_xend_start ignore)
    (on_xend_stop ignore)
    (image
        (linux
            (kernel /root/guest/vmlinuz)
            (ramdisk /root/guest/guest-initrd.img)
            (args 'console=hvc0 quiet')
        )
    )
    (status 0)
    (device (vkbd (backend 0)))
    (device
        (vfb
            (type vnc)
            (vncunused 1)
            (vnclisten 127.0.0.1)
            (vncpasswd '$VNC_PASSWORD')
            (keymap en-us)
        )
    )
)
EOF
chmod 600 /var/lib/xend/domains/*/config.sxp
cat > /etc/xen/labxm <<'EOF'
# xm config of the xenlift lab: a PV guest started with `xm create labxm`
name = "labxm"
kernel = "/root/guest/vmlinuz"
ramdisk = "/root/guest/guest-initrd.img"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
EOF
ln -sfn ../labxm /etc/xen/auto/labxm
