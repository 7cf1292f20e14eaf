// Output files (sim/files.h): written whole, through links, never over a device,
// temporary files cleaned; output paths checked before any work.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "sim/exit_codes.h"
#include "sim/files.h"

namespace fs = std::filesystem;
using namespace vitsim;

namespace {

// A fresh folder per test, removed afterwards.
class FilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vitsim-files-test-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    static std::string read(const std::string& p) {
        std::ifstream in(p);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    static void write(const std::string& p, const std::string& text) { write_file_atomically(p, text.data(), text.size()); }
    size_t entries() const { return size_t(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }
    fs::path dir_;
};

TEST_F(FilesTest, WritesANewFileWithNoTemporaryLeft) {
    write(path("a.json"), "{}\n");
    EXPECT_EQ(read(path("a.json")), "{}\n");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(FilesTest, ReplacesAFileWholeAndKeepsItsMode) {
    write(path("a.txt"), "old and longer");
    ::chmod(path("a.txt").c_str(), 0640);
    write(path("a.txt"), "new");
    EXPECT_EQ(read(path("a.txt")), "new");
    EXPECT_EQ(fs::status(path("a.txt")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(FilesTest, WritesThroughASymbolicLink) {
    write(path("target.json"), "old");
    fs::create_symlink("target.json", path("link.json"));
    write(path("link.json"), "new");
    EXPECT_TRUE(fs::is_symlink(path("link.json")));
    EXPECT_EQ(read(path("target.json")), "new");
}

TEST_F(FilesTest, ADanglingLinkCreatesItsTarget) {
    fs::create_symlink("made.json", path("link.json"));
    write(path("link.json"), "x");
    EXPECT_TRUE(fs::is_symlink(path("link.json")));
    EXPECT_EQ(read(path("made.json")), "x");
}

TEST_F(FilesTest, NeverReplacesADevice) {
    write("/dev/null", "discarded");
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(FilesTest, AFifoIsWrittenInPlace) {
    ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
    std::string got;
    std::thread reader([&] { got = read(path("fifo")); });
    write(path("fifo"), "through the pipe");
    reader.join();
    EXPECT_EQ(got, "through the pipe");
    EXPECT_TRUE(fs::is_fifo(path("fifo")));
}

TEST_F(FilesTest, AFolderIsRefusedAndNothingIsLeft) {
    fs::create_directories(path("sub"));
    try {
        write(path("sub"), "x");
        FAIL() << "a folder was accepted";
    } catch (const CommandError& e) {
        EXPECT_EQ(e.code(), kExitBadInput);
        EXPECT_NE(std::string(e.what()).find("it is a folder"), std::string::npos);
    }
    EXPECT_EQ(entries(), 1u);
}

TEST_F(FilesTest, CheckOutputPathNamesTheOptionAndCreatesNothing) {
    EXPECT_NO_THROW(check_output_path("--json", path("new.json")));
    EXPECT_NO_THROW(check_output_path("--json", "/dev/null"));
    EXPECT_EQ(entries(), 0u);
    try {
        check_output_path("--vcd", path("missing/x.vcd"));
        FAIL() << "a missing folder was accepted";
    } catch (const CommandError& e) {
        EXPECT_EQ(e.code(), kExitBadInput);
        EXPECT_EQ(std::string(e.what()).rfind("--vcd " + path("missing/x.vcd") + ": cannot write: folder", 0), 0u)
            << e.what();
    }
    EXPECT_THROW(check_output_path("--csv", dir_.string()), CommandError);
    EXPECT_THROW(check_output_path("--csv", ""), CommandError);
    EXPECT_EQ(entries(), 0u);
}

TEST_F(FilesTest, StaleTemporariesOfDeadWritersAreRemoved) {
    const std::string dead = path(".w.vswt.vitsim-tmp-999999999-abcdef");     // above any pid_max
    const std::string alive = path(".w.vswt.vitsim-tmp-" + std::to_string(::getpid()) + "-abcdef");
    const std::string other = path(".w.vswt.tmp-999999999");
    for (const std::string& p : {dead, alive, other}) std::ofstream(p) << "x";
    remove_stale_temporaries(dir_.string());
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(alive));  // its writer (this process) is still running
    EXPECT_TRUE(fs::exists(other));  // not ours
}

}  // namespace
