// Files vitsim writes (reports, tables, traces, the weights cache): checked before any
// work starts, written whole at the end, never half-written and never written where
// they should not be.
//
//  - A regular file (or a new one) is written to a private temporary file in the same
//    folder (mkstemp: an unpredictable name, never a planted link) and renamed over the
//    target, so an interrupted or failed run leaves the old file or none.
//  - A symbolic link is written through: its target is replaced, the link stays.
//  - Anything else that exists (a device such as /dev/null, a FIFO) is written in
//    place, never replaced by a regular file.
//  - A temporary file is removed when the process is interrupted (SIGINT, SIGTERM,
//    SIGHUP) and, after a SIGKILL, by the next writer into the same folder.
#pragma once
#include <cstdint>
#include <string>

namespace vitsim {

// Throws CommandError (exit 111) naming `option` and `path` when `path` cannot be
// written: its folder is missing or not writable, it is a folder, or it exists and
// cannot be opened for writing. Creates and changes nothing.
void check_output_path(const std::string& option, const std::string& path);

// Writes `bytes` to `path` as described above. Throws CommandError (exit 111) naming
// the path and the reason; the target is then unchanged.
void write_file_atomically(const std::string& path, const void* bytes, size_t size);

// Removes the temporary files that an earlier, killed vitsim process left in
// `folder` (those whose writer is no longer running). Errors are ignored.
void remove_stale_temporaries(const std::string& folder);

}  // namespace vitsim
