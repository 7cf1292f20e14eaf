#include "sim/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/exit_codes.h"

namespace vitsim {

namespace {

const char kTempMarker[] = ".vitsim-tmp-";  // ".<name>.vitsim-tmp-<pid>-XXXXXX"

// Temporary files being written, removed by the signal handler. Plain arrays: the
// handler may only call async-signal-safe functions.
constexpr int kMaxTemporaries = 4;
char g_temporaries[kMaxTemporaries][4096];
volatile sig_atomic_t g_in_use[kMaxTemporaries];

void remove_temporaries_and_reraise(int sig) {
    for (int i = 0; i < kMaxTemporaries; i++)
        if (g_in_use[i]) ::unlink(g_temporaries[i]);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Installs the handler for the signals that end a run from outside, unless the
// program chose another disposition for them.
void install_cleanup_handler() {
    static const bool installed = [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
            struct sigaction old {};
            if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) ::signal(sig, remove_temporaries_and_reraise);
        }
        return true;
    }();
    (void)installed;
}

// A registered temporary file: unregistered (and removed unless kept) on destruction.
class Temporary {
public:
    explicit Temporary(const std::string& path) {
        install_cleanup_handler();
        for (int i = 0; i < kMaxTemporaries; i++)
            if (!g_in_use[i] && path.size() < sizeof g_temporaries[i]) {
                std::memcpy(g_temporaries[i], path.c_str(), path.size() + 1);
                g_in_use[i] = 1;
                slot_ = i;
                break;
            }
        path_ = path;
    }
    ~Temporary() {
        if (slot_ >= 0) g_in_use[slot_] = 0;
        if (!renamed_) ::unlink(path_.c_str());
    }
    void renamed() { renamed_ = true; }
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;

private:
    std::string path_;
    int slot_ = -1;
    bool renamed_ = false;
};

std::string folder_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// `path` with its symbolic links followed (the file a write through it reaches,
// which need not exist yet). Throws for a loop.
std::string follow_links(const std::string& path) {
    std::string p = path;
    for (int hops = 0; hops < 40; hops++) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        char buf[4096];
        const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
        if (n <= 0) return p;
        const std::string target(buf, size_t(n));
        p = target[0] == '/' ? target : folder_of(p) + "/" + target;
    }
    throw CommandError(kExitBadInput, path + ": cannot write: too many levels of symbolic links");
}

[[noreturn]] void fail(const std::string& what, const std::string& path, const std::string& reason) {
    throw CommandError(kExitBadInput, (what.empty() ? "" : what + " ") + path + ": cannot write: " + reason);
}

bool write_all(int fd, const void* bytes, size_t size) {
    const char* p = static_cast<const char*>(bytes);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= size_t(n);
    }
    return true;
}

mode_t new_file_mode() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// A device, FIFO or socket: written in place, as a shell redirection would.
void write_in_place(const std::string& path, const void* bytes, size_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) fail("", path, std::strerror(errno));
    const bool ok = write_all(fd, bytes, size);
    const int saved = errno;
    ::close(fd);
    if (!ok) fail("", path, std::strerror(saved));
}

}  // namespace

void check_output_path(const std::string& option, const std::string& path) {
    if (path.empty()) fail(option, "''", "empty file name");
    const std::string target = follow_links(path);
    const std::string folder = folder_of(target);
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) fail(option, path, "it is a folder");
        if (::access(target.c_str(), W_OK) != 0) fail(option, path, std::strerror(errno));
        if (!S_ISREG(st.st_mode)) return;  // written in place
    } else if (errno != ENOENT) {
        fail(option, path, std::strerror(errno));
    }
    struct stat dir {};
    if (::stat(folder.c_str(), &dir) != 0) fail(option, path, "folder '" + folder + "' does not exist");
    if (!S_ISDIR(dir.st_mode)) fail(option, path, "'" + folder + "' is not a folder");
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        fail(option, path, "folder '" + folder + "': " + std::strerror(errno));
}

void write_file_atomically(const std::string& path, const void* bytes, size_t size) {
    const std::string target = follow_links(path);
    struct stat st {};
    const bool exists = ::stat(target.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) fail("", path, "it is a folder");
    if (exists && !S_ISREG(st.st_mode)) return write_in_place(target, bytes, size);

    std::string name = folder_of(target) + "/." + base_of(target) + kTempMarker + std::to_string(::getpid()) + "-XXXXXX";
    const int fd = ::mkstemp(name.data());
    if (fd < 0) fail("", path, std::strerror(errno));
    Temporary temporary(name);
    const bool written = write_all(fd, bytes, size) && ::fchmod(fd, exists ? (st.st_mode & 07777) : new_file_mode()) == 0;
    const int saved = errno;
    if (::close(fd) != 0 && written) fail("", path, std::strerror(errno));
    if (!written) fail("", path, std::strerror(saved));
    if (::rename(name.c_str(), target.c_str()) != 0) fail("", path, std::strerror(errno));
    temporary.renamed();
}

void remove_stale_temporaries(const std::string& folder) {
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) return;
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        const auto marker = name.find(kTempMarker);
        if (name[0] != '.' || marker == std::string::npos) continue;
        const long pid = std::strtol(name.c_str() + marker + sizeof kTempMarker - 1, nullptr, 10);
        if (pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) ::unlink((folder + "/" + name).c_str());
    }
    ::closedir(dir);
}

}  // namespace vitsim
