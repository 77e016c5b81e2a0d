import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '@fpms/auth/access-token';
import { AccountView, WorkspaceRpc } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AuthError } from './auth.errors';
import { SignupDto } from './dto/signup.dto';
import { LoginDto } from './dto/login.dto';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface SignupResponse extends TokenResponse {
  user: { id: string; email: string; name: string };
  account: AccountView;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
    private readonly rpc: RpcClient,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * A freelancer signs up: user and membership here, the account in the workspace
   * service. The account RPC runs inside the user's transaction, so a failed call
   * leaves no user behind, and it is idempotent on the account id we chose.
   */
  async signup(input: SignupDto, requestId: string): Promise<SignupResponse> {
    const email = normaliseEmail(input.email);
    const userId = randomUUID();
    const accountId = randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    return this.tx.run({ accountId, userId }, async (manager) => {
      const user = await this.users.insert(manager, { id: userId, email, passwordHash, displayName: input.name.trim() });
      await this.users.addMembership(manager, { userId, accountId, role: 'owner' });
      const token = this.issue(userId, accountId, email);
      const account = await this.rpc.call(
        WorkspaceRpc.createAccount,
        { accountId, name: input.accountName?.trim() || `${user.displayName}'s business` },
        { requestId, userId, accountId, token: token.accessToken },
      );
      return { ...token, user: { id: user.id, email: user.email, name: user.displayName }, account };
    });
  }

  async login(input: LoginDto): Promise<TokenResponse> {
    const email = normaliseEmail(input.email);
    // Users are global rows (no tenant yet at login), so this read needs no tenant scope.
    const user = await this.users.findByEmail(this.db.manager, email);
    if (!(await this.hasher.verify(user?.passwordHash, input.password)) || !user) throw AuthError.invalidCredentials();
    const memberships = await this.tx.runForUser({ userId: user.id }, (m) => this.users.listMemberships(m, user.id));
    return this.issue(user.id, memberships[0]?.accountId, user.email);
  }

  private issue(userId: string, accountId: string | undefined, email: string): TokenResponse {
    const accessToken = this.tokens.sign({ sub: userId, acc: accountId, email });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds };
  }
}
