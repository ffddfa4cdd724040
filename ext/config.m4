dnl config.m4 for the convert_sdk extension (Rust, built by cargo).
dnl
dnl The usual PECL/PIE flow, run in this directory (composer.json "build-path": "ext"):
dnl   phpize && ./configure && make && make install
dnl `make` runs `cargo build --release` in the repository root (the parent directory) and copies
dnl target/release/libconvert_sdk.so to modules/convert_sdk.so; `make install` copies that into
dnl `php-config --extension-dir` (prefixed by INSTALL_ROOT when set). phpize writes its files here,
dnl so the repository's own Makefile is left alone. There is no C source: no PHP_NEW_EXTENSION.

PHP_ARG_ENABLE([convert_sdk],
  [whether to enable the convert_sdk extension],
  [AS_HELP_STRING([--disable-convert_sdk], [Do not build the convert_sdk extension])],
  [yes],
  [no])

PHP_ARG_WITH([cargo],
  [for the cargo command],
  [AS_HELP_STRING([--with-cargo=PATH], [cargo executable (Rust >= 1.85) used to build convert_sdk])],
  [cargo],
  [no])

if test "$PHP_CONVERT_SDK" != "no"; then
  AS_IF([test "$PHP_THREAD_SAFETY" = "yes"],
    [AC_MSG_ERROR([convert_sdk supports non-thread-safe (NTS) PHP builds only])])

  dnl The cargo workspace is the parent of this directory.
  CONVERT_SDK_ROOT=`cd "$abs_srcdir/.." && pwd`
  AS_IF([test ! -f "$CONVERT_SDK_ROOT/Cargo.toml"],
    [AC_MSG_ERROR([Cargo.toml not found in $CONVERT_SDK_ROOT])])

  dnl Find cargo: an absolute --with-cargo path, else that name on PATH or in the rustup locations.
  AS_IF([test "$PHP_CARGO" = "yes" || test -z "$PHP_CARGO"], [PHP_CARGO=cargo])
  AS_CASE([$PHP_CARGO],
    [/*], [CONVERT_SDK_CARGO=$PHP_CARGO],
    [AC_PATH_PROG([CONVERT_SDK_CARGO], [$PHP_CARGO], [],
      [$PATH$PATH_SEPARATOR$HOME/.cargo/bin$PATH_SEPARATOR/usr/local/cargo/bin])])
  AS_IF([test -z "$CONVERT_SDK_CARGO" || test ! -x "$CONVERT_SDK_CARGO"],
    [AC_MSG_ERROR([cargo not found: install Rust >= 1.85 (https://rustup.rs) or pass --with-cargo=/path/to/cargo])])
  AC_MSG_CHECKING([cargo version])
  AC_MSG_RESULT([`"$CONVERT_SDK_CARGO" --version 2>/dev/null`])

  dnl ext-php-rs reads PHP and PHP_CONFIG to find the PHP it builds against: the one phpize targets.
  CONVERT_SDK_PHP_CONFIG=$PHP_CONFIG
  AS_CASE([$CONVERT_SDK_PHP_CONFIG], [*/*], [],
    [CONVERT_SDK_PHP_CONFIG=`command -v "$CONVERT_SDK_PHP_CONFIG"`])

  PHP_SUBST([CONVERT_SDK_ROOT])
  PHP_SUBST([CONVERT_SDK_CARGO])
  PHP_SUBST([CONVERT_SDK_PHP_CONFIG])

  dnl The module is the cargo-built shared object; install-modules copies modules/* as usual.
  PHP_MODULES="\$(phplibdir)/convert_sdk.so"
  PHP_ADD_BUILD_DIR([modules])
  PHP_ADD_MAKEFILE_FRAGMENT([$abs_srcdir/Makefile.frag], [$abs_srcdir], [$abs_builddir])
fi
