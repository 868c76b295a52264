{
  description = "envtruth: prove a development environment keeps the promises of its plan";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.rustPlatform.buildRustPackage {
          pname = "envtruth";
          version = "0.1.0";
          src = self;
          cargoLock.lockFile = ./Cargo.lock;
          # The test suite runs real nix develop and direnv, which the build sandbox lacks;
          # run it with `cargo test` in the dev shell instead.
          doCheck = false;
        };
      });

      # `nix run github:OWNER/envtruth -- run --root .`
      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/envtruth";
        };
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = with pkgs; [ cargo rustc rustfmt clippy cargo-nextest nix direnv uv python3 git ];
          # Inside this shell (nix develop, or direnv with `use flake`), the repository's
          # own checks run in it directly instead of evaluating it again.
          ENVTRUTH_SHELL = "host";
        };
      });
    };
}
