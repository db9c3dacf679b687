#pragma once
// `storehub backup` and `storehub restore`: the hub database's backup and the way back to it.
//
// backup copies hub.db with SQLite's online backup API while the hub keeps serving: the copy is one
// consistent snapshot, written beside the destination and renamed into place only when complete.
//
// restore needs the hub stopped (it takes the data directory's LOCK, so it refuses while storehub
// runs). It copies the backup into DATA_DIR as a new file, checks it, gives it a NEW epoch, and
// renames it over hub.db; the replaced database stays as hub.db.pre-restore. The new epoch makes
// every edge re-sync what it pulls and ask how far the hub has applied its mutations, so what the
// backup lacks is pushed again from the edges' outboxes (docs/operations.md, docs/protocol.md).
// nodes.db (enrolled devices and their keys) is not part of the backup and is left as it is, so
// devices enrolled after the backup still authenticate.
#include <filesystem>
#include <string>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "sync/hub/hub_config.hpp"

namespace storeedge::sync::hub {

// Errc::not_found when there is no hub database; Errc::already_exists when `to` exists.
[[nodiscard]] Status backup_hub(const HubConfig& config, const std::filesystem::path& to);

// Returns the new epoch. Errc::busy when the hub runs; Errc::not_found when `from` is missing;
// Errc::corrupt or Errc::invalid_argument when `from` is not a sound hub database. On any error
// hub.db is left as it was.
[[nodiscard]] Result<std::string> restore_hub(const HubConfig& config, const std::filesystem::path& from,
                                              const Clock& clock);

}  // namespace storeedge::sync::hub
