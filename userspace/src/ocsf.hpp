// Events as OCSF 1.8.0 events (https://schema.ocsf.io/1.8.0), for a SIEM: one JSON object per
// line of class Kernel Extension Activity (1002, category System Activity). What OCSF has a place
// for goes there (the caller as actor.process, the module's file as driver.file, this machine as
// device); modtrace's other fields go under "unmapped", with the names and values --json gives
// them. README.md, "OCSF output", has the mapping table; tests/ocsf checks every event the
// reader makes against the schema.
#pragma once

#include "event.hpp"
#include "event_format.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace modtrace {

inline constexpr std::string_view kOcsfVersion = "1.8.0";

// The machine the reader runs on, for every event's "device". With --input it is the machine
// that replays the recording, not the one that recorded it: a recording does not say.
struct OcsfHost {
    std::string hostname;       // gethostname(); "" when unknown
    std::string machine_id;     // /etc/machine-id (device.uid); "" when unreadable
    std::string kernel_release; // uname -r (device.os.kernel_release); "" when unknown
    int device_type_id = 0;     // device.type_id: 0 Unknown, 1 Server, 2 Desktop, ... 6 Virtual
};

// device.type_id from what the machine says of itself: 6 (Virtual) when the CPU reports a
// hypervisor, else from the SMBIOS chassis type (/sys/class/dmi/id/chassis_type): desktops 2,
// laptops 3, tablet 4, hand-held 5, servers (main server chassis, rack mount, blade) 1, IoT
// gateway 7; anything else, or no chassis type, 0 (Unknown).
int ocsf_device_type(std::optional<int> chassis_type, bool hypervisor);

// OCSF's caption of a device.type_id ("Virtual"); "Unknown" for a value it has none for.
std::string_view ocsf_device_type_name(int type_id);

// This machine, read once at start: gethostname(), uname(), /etc/machine-id, the "hypervisor"
// CPU flag in /proc/cpuinfo and the chassis type. What cannot be read stays empty (or 0).
OcsfHost read_ocsf_host();

// One OCSF event, one line, no trailing newline. activity_id: 1 Load (init_module, finit_module,
// unknown_load), 2 Unload (delete_module), 99 Other for the obsolete syscalls, with the
// syscall's name as activity_name; status_id 1 Success, 2 Failure, 0 Unknown (the return was
// not seen); severity_id 1 Informational, 2 Low for a failed load or unload, 3 Medium for an
// obsolete syscall or a call whose parameters, name or file changed under the kernel.
std::string event_to_ocsf(const Event& event, const TimeBase& time, const OcsfHost& host);

} // namespace modtrace
