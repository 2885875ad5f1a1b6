/**
 * The playbook's task files, one per runbook step, as data (written as YAML by site.ts). They
 * mirror src/runbook/steps/*: the same commands in the same order with the same conditions, read
 * from each host's `host_vars` (host-vars.ts), so a reviewer can compare the playbook with the plan
 * line by line. Only `ansible.builtin` modules. Commands that only read run in check mode too
 * (`check_mode: false`, `changed_when: false`); everything that changes a host is a `command`
 * (skipped in check mode) or a module that honours check mode, so `--check` changes nothing.
 *
 * Package installs and service changes are `command` tasks running the plan's exact argv rather
 * than `apt`/`systemd` modules: the plan shows those commands, `xenlift upgrade apply` runs them,
 * and the playbook must do the same thing, not an equivalent.
 */

type Task = Record<string, unknown>

const URI = '{{ xenlift_libvirt_uri }}'
const readOnly = {changed_when: false, check_mode: false}
const notInCheck = 'not ansible_check_mode'

function cmd(argv: unknown, extra: Task = {}): Task {
  return {'ansible.builtin.command': {argv}, ...extra}
}

const preflight: Task[] = [
  {name: 'Preflight | read the lock', 'ansible.builtin.slurp': {src: '{{ xenlift_lock }}'}, register: 'xenlift_lock_now', failed_when: false},
  {
    name: 'Preflight | refuse a host that another run holds',
    'ansible.builtin.assert': {
      that: ["xenlift_lock_now.content is not defined or (xenlift_lock_now.content | b64decode) is search(xenlift_plan_id)"],
      fail_msg: 'locked by another run ({{ xenlift_lock }}); wait for it, or remove the lock if that run is gone',
    },
  },
  {
    name: 'Preflight | read the configs of the plan',
    'ansible.builtin.stat': {path: '{{ item.source }}', checksum_algorithm: 'sha256'},
    loop: "{{ xenlift_domains | selectattr('source') | list }}",
    loop_control: {label: '{{ item.name }}'},
    register: 'xenlift_sources',
  },
  {
    name: 'Preflight | refuse a stale plan',
    'ansible.builtin.assert': {
      that: ['item.stat.exists', 'item.stat.checksum == item.item.source_sha256'],
      fail_msg: 'plan is stale, plan again: {{ item.item.source }} changed since planning',
      quiet: true,
    },
    loop: '{{ xenlift_sources.results }}',
    loop_control: {label: '{{ item.item.name }}'},
  },
  {name: 'Preflight | free space for the backup', ...cmd(['df', '-Pk', '{{ xenlift_state_dir | dirname }}']), register: 'xenlift_df', ...readOnly},
  {
    name: 'Preflight | enough free space',
    'ansible.builtin.assert': {
      that: ['(xenlift_df.stdout_lines[-1].split()[3] | int) >= (xenlift_need_free_kib | int)'],
      fail_msg: 'not enough free space for the backup: {{ xenlift_need_free_kib }} KiB needed',
    },
  },
  {name: 'Preflight | state directory', 'ansible.builtin.file': {path: '{{ xenlift_state_dir }}', state: 'directory', mode: '0700'}},
  {
    name: 'Preflight | take the lock',
    'ansible.builtin.copy': {content: '{"controller":"ansible-playbook","planId":"{{ xenlift_plan_id }}"}\n', dest: '{{ xenlift_lock }}', mode: '0600', force: false},
  },
]

const backup: Task[] = [
  {name: 'Backup | staging directories', 'ansible.builtin.file': {path: '{{ item }}', state: 'directory', mode: '0700'}, loop: ['{{ xenlift_staging }}', '{{ xenlift_staging }}/xml']},
  {name: 'Backup | xm list -l (when xend runs)', ...cmd(['xm', 'list', '-l']), register: 'xenlift_xm_list', failed_when: false, no_log: true, ...readOnly},
  {
    name: 'Backup | save xm list -l',
    'ansible.builtin.copy': {content: '{{ xenlift_xm_list.stdout }}\n', dest: '{{ xenlift_staging }}/xm-list-l.sxp', mode: '0600'},
    when: 'xenlift_xm_list.rc == 0',
    no_log: true,
  },
  {
    name: 'Backup | the converted XMLs, passwords included',
    'ansible.builtin.copy': {src: '{{ playbook_dir }}/files/{{ inventory_hostname }}/{{ item.xml_file }}', dest: '{{ xenlift_staging }}/xml/{{ item.xml_file }}', mode: '0600'},
    loop: '{{ xenlift_domains }}',
    loop_control: {label: '{{ item.name }}'},
    no_log: true,
  },
  {name: 'Backup | installed packages', ...cmd('{{ xenlift_package_query }}'), register: 'xenlift_packages', ...readOnly},
  {name: 'Backup | save the package list', 'ansible.builtin.copy': {content: '{{ xenlift_packages.stdout }}\n', dest: '{{ xenlift_staging }}/packages.txt', mode: '0600'}},
  {name: 'Backup | tarball of the xend state', 'ansible.builtin.command': {argv: '{{ xenlift_tar_argv }}', creates: '{{ xenlift_tarball }}'}},
  {name: 'Backup | tarball readable by root only', 'ansible.builtin.file': {path: '{{ xenlift_tarball }}', mode: '0600'}, when: notInCheck},
  {name: 'Backup | sha256 on the host', 'ansible.builtin.stat': {path: '{{ xenlift_tarball }}', checksum_algorithm: 'sha256'}, register: 'xenlift_tar_remote', when: notInCheck},
  {name: 'Backup | copy to the controller', 'ansible.builtin.fetch': {src: '{{ xenlift_tarball }}', dest: '{{ playbook_dir }}/{{ xenlift_backup_local }}', flat: true}, when: notInCheck},
  {
    name: 'Backup | sha256 on the controller',
    'ansible.builtin.stat': {path: '{{ playbook_dir }}/{{ xenlift_backup_local }}', checksum_algorithm: 'sha256'},
    delegate_to: 'localhost',
    become: false,
    register: 'xenlift_tar_local',
    when: notInCheck,
  },
  {
    name: 'Backup | the copy is the tarball',
    'ansible.builtin.assert': {that: ['xenlift_tar_local.stat.checksum == xenlift_tar_remote.stat.checksum'], fail_msg: 'the backup copy on the controller differs from the host (sha256)'},
    when: notInCheck,
  },
  {
    name: 'Backup | the copy readable by its owner only',
    'ansible.builtin.file': {path: '{{ playbook_dir }}/{{ xenlift_backup_local }}', mode: '0600'},
    delegate_to: 'localhost',
    become: false,
    when: notInCheck,
  },
]

const shutdownDomain: Task[] = [
  {name: 'Shutdown | is it running', ...cmd(['xl', 'list', '--', '{{ xenlift_domain }}']), register: 'xenlift_running', failed_when: false, ...readOnly},
  {
    name: 'Shutdown | stop it',
    when: 'xenlift_running.rc == 0',
    block: [{name: 'Shutdown | xm shutdown -w', ...cmd(['xm', 'shutdown', '-w', '{{ xenlift_domain }}']), timeout: '{{ xenlift_shutdown_timeout | int }}', changed_when: true}],
    rescue: [
      {
        name: 'Shutdown | stop the host here (xenlift_on_timeout=fail)',
        'ansible.builtin.fail': {
          msg: '{{ xenlift_domain }} did not shut down within {{ xenlift_shutdown_timeout }}s; the host stops here (it still runs under xend); -e xenlift_on_timeout=destroy forces it off',
        },
        when: "xenlift_on_timeout != 'destroy'",
      },
      {name: 'Shutdown | xm destroy (xenlift_on_timeout=destroy)', ...cmd(['xm', 'destroy', '{{ xenlift_domain }}']), changed_when: true},
    ],
  },
]

const dump: Task[] = [
  {
    name: 'Dump | definitions libvirt already has',
    ...cmd(['virsh', '-c', URI, 'dumpxml', '--inactive', '--', '{{ item }}']),
    loop: '{{ xenlift_libvirt_known }}',
    register: 'xenlift_dumps',
    failed_when: false,
    ...readOnly,
  },
  {
    name: 'Dump | a folder beside the backup',
    'ansible.builtin.file': {path: '{{ playbook_dir }}/backups/{{ inventory_hostname }}-{{ xenlift_plan_id }}-libvirt', state: 'directory', mode: '0700'},
    delegate_to: 'localhost',
    become: false,
    when: 'xenlift_libvirt_known | length > 0',
  },
  {
    name: 'Dump | saved on the controller',
    'ansible.builtin.copy': {content: '{{ item.stdout }}', dest: "{{ playbook_dir }}/backups/{{ inventory_hostname }}-{{ xenlift_plan_id }}-libvirt/{{ item.item | regex_replace('[^A-Za-z0-9_.-]', '_') }}.xml", mode: '0600'},
    delegate_to: 'localhost',
    become: false,
    loop: "{{ xenlift_dumps.results | default([]) | selectattr('rc', 'defined') | selectattr('rc', 'equalto', 0) | list }}",
    loop_control: {label: '{{ item.item }}'},
  },
]

const unitMissing = "(item.missing_ok and (xenlift_switch_run.rc == 5 or xenlift_switch_run.stderr is search('not (be )?found|does not exist|No such file')))"
const switchSteps: Task[] = [
  {
    name: 'Switch | xend off, libvirt with its libxl driver installed',
    ...cmd('{{ item.argv }}'),
    loop: '{{ xenlift_switch }}',
    loop_control: {label: "{{ item.argv | join(' ') }}"},
    register: 'xenlift_switch_run',
    changed_when: true,
    failed_when: `xenlift_switch_run.rc != 0 and not ${unitMissing}`,
  },
  {
    name: 'Switch | the toolstack setting',
    'ansible.builtin.lineinfile': {path: '{{ xenlift_toolstack.path }}', regexp: '^\\s*{{ xenlift_toolstack.key }}=', line: '{{ xenlift_toolstack.line }}', create: true, mode: '0644'},
    when: 'xenlift_toolstack',
  },
  {name: 'Switch | enable libvirtd', ...cmd('{{ item }}'), loop: '{{ xenlift_enable }}', changed_when: true},
]

const restart: Task[] = [
  {name: 'Restart | libvirtd', ...cmd('{{ xenlift_restart_argv }}'), changed_when: true},
  {
    name: 'Restart | wait until the libxl driver answers',
    ...cmd(['virsh', '-c', URI, 'uri']),
    register: 'xenlift_uri',
    until: 'xenlift_uri.rc == 0',
    retries: '{{ xenlift_restart_timeout | int }}',
    delay: 1,
    changed_when: false,
    when: notInCheck,
  },
]

const defineDomain: Task[] = [
  {
    name: 'Define | the XML with its password, mode 0600 on the host',
    'ansible.builtin.copy': {src: '{{ playbook_dir }}/files/{{ inventory_hostname }}/{{ xenlift_dom.xml_file }}', dest: '{{ xenlift_staging }}/define-{{ xenlift_dom.xml_file }}', mode: '0600'},
    no_log: true,
  },
  {name: 'Define | virsh define', ...cmd(['virsh', '-c', URI, 'define', '--', '{{ xenlift_staging }}/define-{{ xenlift_dom.xml_file }}']), changed_when: true},
  {name: 'Define | remove the file', 'ansible.builtin.file': {path: '{{ xenlift_staging }}/define-{{ xenlift_dom.xml_file }}', state: 'absent'}},
  {name: 'Define | autostart as under xend', ...cmd(['virsh', '-c', URI, 'autostart', '--', '{{ xenlift_dom.name }}']), when: 'xenlift_dom.autostart', changed_when: true},
  {name: 'Define | read back', ...cmd(['virsh', '-c', URI, 'dumpxml', '--inactive', '--', '{{ xenlift_dom.name }}']), register: 'xenlift_readback', failed_when: false, ...readOnly},
  {
    name: 'Define | defined as planned',
    'ansible.builtin.assert': {
      that: ['xenlift_readback.rc == 0', "('<uuid>' ~ xenlift_dom.uuid ~ '</uuid>') in xenlift_readback.stdout or xenlift_dom.uuid == ''"],
      fail_msg: '{{ xenlift_dom.name }} is not defined as planned after virsh define',
    },
    when: notInCheck,
  },
]

const startDomain: Task[] = [
  {name: 'Start | state', ...cmd(['virsh', '-c', URI, 'domstate', '--', '{{ xenlift_dom }}']), register: 'xenlift_state', failed_when: false, ...readOnly},
  {name: 'Start | virsh start', ...cmd(['virsh', '-c', URI, 'start', '--', '{{ xenlift_dom }}']), when: "xenlift_state.stdout | trim != 'running'", changed_when: true},
  {
    name: 'Start | wait until it runs',
    ...cmd(['virsh', '-c', URI, 'domstate', '--', '{{ xenlift_dom }}']),
    register: 'xenlift_state_now',
    until: "xenlift_state_now.stdout | trim == 'running'",
    retries: '{{ xenlift_shutdown_timeout | int }}',
    delay: 1,
    changed_when: false,
    when: notInCheck,
  },
]

const verify: Task[] = [
  {
    name: 'Verify | read every domain back',
    ...cmd(['virsh', '-c', URI, 'dumpxml', '--inactive', '--', '{{ item.name }}']),
    loop: '{{ xenlift_domains }}',
    loop_control: {label: '{{ item.name }}'},
    register: 'xenlift_verify',
    failed_when: false,
    ...readOnly,
  },
  {
    name: 'Verify | name, UUID, memory, vCPUs and MACs as before',
    'ansible.builtin.assert': {
      that: [
        'item.rc == 0',
        "('<name>' ~ item.item.name ~ '</name>') in item.stdout",
        "item.item.uuid == '' or ('<uuid>' ~ item.item.uuid ~ '</uuid>') in item.stdout",
        "item.stdout is search('<memory unit=.KiB.>' ~ item.item.memory_kib ~ '</memory>')",
        "item.stdout is search('<vcpu[^>]*>' ~ item.item.vcpus ~ '</vcpu>')",
        "item.item.macs | reject('in', item.stdout | lower) | list | length == 0",
      ],
      fail_msg: '{{ item.item.name }} is not defined as it was under xend',
      quiet: true,
    },
    loop: '{{ xenlift_verify.results }}',
    loop_control: {label: '{{ item.item.name }}'},
    when: notInCheck,
  },
  // Only this run's lock: one another run took meanwhile (after a manual removal) stays.
  {name: 'Verify | read the lock', 'ansible.builtin.slurp': {src: '{{ xenlift_lock }}'}, register: 'xenlift_lock_end', failed_when: false},
  {
    name: 'Verify | release the lock',
    'ansible.builtin.file': {path: '{{ xenlift_lock }}', state: 'absent'},
    when: 'xenlift_lock_end.content is defined and (xenlift_lock_end.content | b64decode) is search(xenlift_plan_id)',
  },
]

function loopFile(name: string, file: string, over: string, loopVar: string, tag: string, when?: string): Task {
  return {
    name,
    'ansible.builtin.include_tasks': {file, apply: {tags: [tag]}},
    loop: over,
    loop_control: {loop_var: loopVar},
    ...(when ? {when} : {}),
  }
}

/** Task files by path below the site directory. */
export const TASK_FILES: Readonly<Record<string, Task[]>> = {
  'tasks/preflight.yml': preflight,
  'tasks/backup.yml': backup,
  'tasks/shutdown.yml': [loopFile('Shutdown | each running domain, /etc/xen/auto first', 'shutdown-domain.yml', '{{ xenlift_shutdown_order }}', 'xenlift_domain', 'shutdown')],
  'tasks/shutdown-domain.yml': shutdownDomain,
  'tasks/dump.yml': dump,
  'tasks/switch.yml': switchSteps,
  'tasks/restart.yml': restart,
  'tasks/define.yml': [loopFile('Define | each domain', 'define-domain.yml', '{{ xenlift_domains }}', 'xenlift_dom', 'define')],
  'tasks/define-domain.yml': defineDomain,
  'tasks/start.yml': [loopFile('Start | the domains that ran before, in their old order', 'start-domain.yml', '{{ xenlift_start_order }}', 'xenlift_dom', 'start', 'xenlift_start | bool')],
  'tasks/start-domain.yml': startDomain,
  'tasks/verify.yml': verify,
}
